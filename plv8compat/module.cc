// module.cc — _PG_init and settings, the call / inline / validator handlers, and the compiled-function cache.
#include "plv8compat.h"

#include <unordered_map>

extern "C" {
#include "nodes/parsenodes.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;
PG_FUNCTION_INFO_V1(plv8_call_handler);
PG_FUNCTION_INFO_V1(plv8_inline_handler);
PG_FUNCTION_INFO_V1(plv8_call_validator);
PG_FUNCTION_INFO_V1(plv8_version);
void _PG_init(void);
}

using v8::Context;
using v8::Function;
using v8::Isolate;
using v8::Local;
using v8::MaybeLocal;
using v8::Value;

namespace plv8c {

int memory_limit_mb = 256;
CallFrame *current_frame = nullptr;

// A plv8 function compiled for one role, valid while its pg_proc row is unchanged.
struct FnEntry {
  TransactionId xmin;
  ItemPointerData tid;
  MemoryContext cxt;  // holds the strings and arrays below
  char *name;
  char *source;
  int nargs;
  Oid *argtypes;
  char **argnames;
  Oid rettype;
  bool retset;
  v8::Global<Function> compiled;
};

static auto *fn_cache = new std::unordered_map<uint64_t, FnEntry *>();

FnEntry *lookup_function(Oid fn, Oid role) {
  HeapTuple tup = SearchSysCache1(PROCOID, ObjectIdGetDatum(fn));
  if (!HeapTupleIsValid(tup)) elog(ERROR, "cache lookup failed for function %u", fn);
  uint64_t key = (static_cast<uint64_t>(fn) << 32) | role;
  auto it = fn_cache->find(key);
  if (it != fn_cache->end() && it->second->xmin == HeapTupleHeaderGetRawXmin(tup->t_data) &&
      ItemPointerEquals(&it->second->tid, &tup->t_self)) {
    ReleaseSysCache(tup);
    return it->second;
  }
  Form_pg_proc p = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tup));
  if (p->prorettype == TRIGGEROID || p->prorettype == EVENT_TRIGGEROID) {
    char *fname = pstrdup(NameStr(p->proname));
    ReleaseSysCache(tup);
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("plv8 trigger functions are not supported by the pg_durable "
                           "plv8-compatible runtime (function \"%s\")",
                           fname)));
  }
  MemoryContext cxt = AllocSetContextCreate(CurrentMemoryContext, "plv8 function",
                                            ALLOCSET_SMALL_SIZES);
  MemoryContext old = MemoryContextSwitchTo(cxt);
  bool isnull;
  Datum src = SysCacheGetAttr(PROCOID, tup, Anum_pg_proc_prosrc, &isnull);
  if (isnull) elog(ERROR, "function %u has no source", fn);
  Oid *types;
  char **names;
  char *modes;
  int total = get_func_arg_info(tup, &types, &names, &modes);
  int nargs = p->pronargs;
  Oid *argtypes = static_cast<Oid *>(palloc0(sizeof(Oid) * (nargs + 1)));
  char **argnames = static_cast<char **>(palloc0(sizeof(char *) * (nargs + 1)));
  for (int i = 0, j = 0; i < total && j < nargs; i++) {
    char mode = modes ? modes[i] : PROARGMODE_IN;
    if (p->prokind != PROKIND_PROCEDURE && (mode == PROARGMODE_OUT || mode == PROARGMODE_TABLE))
      continue;
    argtypes[j] = p->proargtypes.values[j];
    argnames[j] = (names && names[i] && names[i][0]) ? names[i] : psprintf("$%d", j + 1);
    j++;
  }
  for (int j = 0; j < nargs; j++)
    if (argnames[j] == nullptr) argnames[j] = psprintf("$%d", j + 1);
  char *source = TextDatumGetCString(src);
  char *name = pstrdup(NameStr(p->proname));
  MemoryContextSwitchTo(old);

  FnEntry *e = new FnEntry();
  e->xmin = HeapTupleHeaderGetRawXmin(tup->t_data);
  e->tid = tup->t_self;
  e->cxt = cxt;
  e->name = name;
  e->source = source;
  e->nargs = nargs;
  e->argtypes = argtypes;
  e->argnames = argnames;
  e->rettype = p->prorettype;
  e->retset = p->proretset;
  ReleaseSysCache(tup);
  MemoryContextSetParent(cxt, TopMemoryContext);
  if (it != fn_cache->end()) {
    FnEntry *stale = it->second;
    MemoryContextDelete(stale->cxt);
    delete stale;
  }
  (*fn_cache)[key] = e;
  return e;
}

bool returns_set(const FnEntry *e) { return e->retset; }

MaybeLocal<Function> compiled_function(Isolate *iso, Local<Context> ctx, FnEntry *e) {
  if (!e->compiled.IsEmpty()) return Local<Function>::New(iso, e->compiled);
  Local<v8::String> params[FUNC_MAX_ARGS];
  for (int i = 0; i < e->nargs; i++) params[i] = js_string(iso, e->argnames[i]);
  v8::ScriptOrigin origin(iso, js_string(iso, e->name));
  v8::ScriptCompiler::Source src(js_string(iso, e->source), origin);
  Local<Function> fn;
  if (!v8::ScriptCompiler::CompileFunction(ctx, &src, e->nargs, params).ToLocal(&fn))
    return MaybeLocal<Function>();
  e->compiled.Reset(iso, fn);
  return fn;
}

// What a handler learned while V8 scopes were open; reported after they are closed.
struct Outcome {
  Datum value;
  bool isnull;
  ErrorData *pg;
  JsError *js;
  Stop stop;
  const char *fail;
};

static void finish(Outcome *out) {
  if (out->stop != Stop::None) raise_for_stop(out->stop);
  if (out->pg) ReThrowError(out->pg);
  if (out->js) out->js->report();
  if (out->fail) ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("%s", out->fail)));
  CHECK_FOR_INTERRUPTS();
}

static void js_failure(Isolate *iso, Local<Context> ctx, v8::TryCatch &tc, Outcome *out) {
  if (was_terminated(iso, tc)) {
    out->pg = nullptr;
    out->stop = take_termination(iso);
  } else {
    out->js = JsError::capture(iso, ctx, tc);
  }
}

// Calls fn inside the watchdog's view; false if it threw or was terminated (out says which).
static bool run_js(Isolate *iso, Local<Context> ctx, v8::TryCatch &tc, Local<Function> fn,
                   int argc, Local<Value> *argv, Outcome *out, Local<Value> *result) {
  JsEntry run(iso);
  MaybeLocal<Value> r = fn->Call(ctx, ctx->Global(), argc, argv);
  bool terminated = r.IsEmpty() ? was_terminated(iso, tc) : stop_pending();
  run.leave();
  if (terminated || !r.ToLocal(result)) {
    js_failure(iso, ctx, tc, out);
    return false;
  }
  return true;
}

static void call_function(Isolate *iso, FunctionCallInfo fcinfo, MemoryContext caller,
                          CallFrame *frame, Outcome *out) {
  Isolate::Scope iscope(iso);
  v8::HandleScope hs(iso);
  Oid role = GetUserId();
  FnEntry *e = nullptr;
  out->pg = pg_guard([&] {
    e = lookup_function(fcinfo->flinfo->fn_oid, role);
    if (e->retset) setup_srf(fcinfo, frame);
  });
  if (out->pg) return;
  int nargs = e->nargs;  // e may be replaced while JS runs: copy what is needed afterwards
  Oid rettype = e->rettype;
  Local<Context> ctx;
  if (!role_context(iso, role).ToLocal(&ctx)) {
    out->fail = "could not create a JavaScript context";
    return;
  }
  Context::Scope cscope(ctx);
  v8::TryCatch tc(iso);
  Local<Function> fn;
  if (!compiled_function(iso, ctx, e).ToLocal(&fn)) return js_failure(iso, ctx, tc, out);
  Local<Value> argv[FUNC_MAX_ARGS];
  out->pg = pg_guard([&] {
    for (int i = 0; i < nargs; i++) {
      Oid t = e->argtypes[i];
      if (IsPolymorphicType(t)) t = get_fn_expr_argtype(fcinfo->flinfo, i);
      argv[i] = to_js(iso, ctx, fcinfo->args[i].value, fcinfo->args[i].isnull, type_info(t));
    }
  });
  if (out->pg) return;
  Local<Value> rv;
  if (!run_js(iso, ctx, tc, fn, nargs, argv, out, &rv)) return;
  out->pg = pg_guard([&] { convert_result(iso, ctx, fcinfo, caller, frame, rv, rettype, &out->value, &out->isnull); });
  if (out->pg && (was_terminated(iso, tc)))
    js_failure(iso, ctx, tc, out);
}

static void run_inline(Isolate *iso, const char *source, Outcome *out) {
  Isolate::Scope iscope(iso);
  v8::HandleScope hs(iso);
  Local<Context> ctx;
  if (!role_context(iso, GetUserId()).ToLocal(&ctx)) {
    out->fail = "could not create a JavaScript context";
    return;
  }
  Context::Scope cscope(ctx);
  v8::TryCatch tc(iso);
  v8::ScriptOrigin origin(iso, js_string(iso, "DO block"));
  v8::ScriptCompiler::Source src(js_string(iso, source), origin);
  Local<Function> fn;
  if (!v8::ScriptCompiler::CompileFunction(ctx, &src).ToLocal(&fn))
    return js_failure(iso, ctx, tc, out);
  Local<Value> rv;
  run_js(iso, ctx, tc, fn, 0, nullptr, out, &rv);
}

static void validate(Isolate *iso, Oid fn, Outcome *out) {
  Isolate::Scope iscope(iso);
  v8::HandleScope hs(iso);
  Oid role = GetUserId();
  FnEntry *e = nullptr;
  out->pg = pg_guard([&] { e = lookup_function(fn, role); });
  if (out->pg) return;
  Local<Context> ctx;
  if (!role_context(iso, role).ToLocal(&ctx)) {
    out->fail = "could not create a JavaScript context";
    return;
  }
  Context::Scope cscope(ctx);
  v8::TryCatch tc(iso);
  if (compiled_function(iso, ctx, e).IsEmpty()) js_failure(iso, ctx, tc, out);
}

}  // namespace plv8c

using namespace plv8c;

void _PG_init(void) {
  DefineCustomIntVariable("plv8.memory_limit",
                          "Heap limit of the JavaScript engine, per backend (read when the "
                          "backend first runs JavaScript).",
                          NULL, &memory_limit_mb, 256, 16, 65536, PGC_SUSET, GUC_UNIT_MB, NULL,
                          NULL, NULL);
}

Datum plv8_call_handler(PG_FUNCTION_ARGS) {
  Isolate *iso = runtime();
  MemoryContext caller = CurrentMemoryContext;
  bool nonatomic = fcinfo->context && IsA(fcinfo->context, CallContext) &&
                   !castNode(CallContext, fcinfo->context)->atomic;
  if (SPI_connect_ext(nonatomic ? SPI_OPT_NONATOMIC : 0) != SPI_OK_CONNECT)
    elog(ERROR, "could not connect to the SPI manager");
  CallFrame frame = {};
  frame.prev = current_frame;
  current_frame = &frame;
  Outcome out = {};
  call_function(iso, fcinfo, caller, &frame, &out);
  current_frame = frame.prev;
  finish(&out);
  SPI_finish();
  if (frame.tupstore != nullptr) {
    ReturnSetInfo *rsi = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
    rsi->returnMode = SFRM_Materialize;
    rsi->setResult = frame.tupstore;
    rsi->setDesc = frame.tupdesc;
    PG_RETURN_NULL();
  }
  fcinfo->isnull = out.isnull;
  return out.value;
}

Datum plv8_inline_handler(PG_FUNCTION_ARGS) {
  InlineCodeBlock *cb = castNode(InlineCodeBlock, DatumGetPointer(PG_GETARG_DATUM(0)));
  Isolate *iso = runtime();
  // Always atomic, like real plv8 (its inline handler never asks for a non-atomic SPI
  // connection): plv8.commit() / plv8.rollback() in a DO block raise "invalid transaction
  // termination", even outside a transaction block.
  if (SPI_connect_ext(0) != SPI_OK_CONNECT)
    elog(ERROR, "could not connect to the SPI manager");
  CallFrame frame = {};
  frame.prev = current_frame;
  current_frame = &frame;
  Outcome out = {};
  run_inline(iso, cb->source_text, &out);
  current_frame = frame.prev;
  finish(&out);
  SPI_finish();
  PG_RETURN_VOID();
}

Datum plv8_call_validator(PG_FUNCTION_ARGS) {
  Oid fn = PG_GETARG_OID(0);
  if (!CheckFunctionValidatorAccess(fcinfo->flinfo->fn_oid, fn)) PG_RETURN_VOID();
  if (!check_function_bodies) PG_RETURN_VOID();
  Isolate *iso = runtime();
  Outcome out = {};
  validate(iso, fn, &out);
  finish(&out);
  PG_RETURN_VOID();
}

Datum plv8_version(PG_FUNCTION_ARGS) { PG_RETURN_TEXT_P(cstring_to_text(PLV8C_VERSION_TEXT)); }
