# pg_durable: PGXS build of the extension plus the project's workflow targets.
#   make test   set up the machine, build and install everything, start the private cluster, run all tests
#   make demo   the same set-up, then the demo workflow
PGD_VERSION := $(shell node -p "require('./package.json').version")
EXTENSION = pg_durable
# Built: this version's install script and the upgrade to it from the last release (named
# after its hand-written step, extension/upgrade/<previous>--<version>.sql). Installed as they
# are: every released script kept in extension/released/ (docs/operations-upgrades.md).
PGD_UPGRADE := $(patsubst extension/upgrade/%,pg_durable--%,$(wildcard extension/upgrade/*--$(PGD_VERSION).sql))
DATA_built = pg_durable--$(PGD_VERSION).sql $(PGD_UPGRADE)
DATA = $(filter-out $(addprefix extension/released/,$(DATA_built)),$(wildcard extension/released/pg_durable--*.sql))
EXTRA_CLEAN = pg_durable.control dist

PG_CONFIG ?= pg_config
PGXS := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

SOURCES := $(shell find src extension build -type f) package.json

$(DATA_built) pg_durable.control &: $(SOURCES) node_modules/.package-lock.json
	node build/build.mjs

all: pg_durable.control

node_modules/.package-lock.json: package-lock.json
	npm ci --no-audit --no-fund

.PHONY: setup runtime everything cluster test demo bench typecheck
setup:
	bash scripts/setup.sh

runtime: setup
	$(MAKE) -C plv8compat
	$(MAKE) -C plv8compat install

everything: runtime
	$(MAKE) all
	$(MAKE) install

cluster: everything
	bash scripts/cluster.sh start

typecheck:
	npx tsc --noEmit

test: cluster typecheck
	npx vitest run; status=$$?; node scripts/test-summary.mjs; exit $$status

demo: cluster
	node dist/cli.js demo

bench: cluster
	node dist/cli.js bench
