// plv8compat.h — the one header of the pg_durable plv8-compatible runtime (shared types and entry points).
#pragma once

// V8 and the C++ library first: PostgreSQL's port.h redefines printf & co as macros.
#include <v8.h>
#include <cstddef>
#include <cstdint>
#include <type_traits>

extern "C" {
#include "postgres.h"
#include "fmgr.h"
#include "funcapi.h"
#include "miscadmin.h"
#include "access/htup_details.h"
#include "access/xact.h"
#include "catalog/pg_proc.h"
#include "catalog/pg_type.h"
#include "executor/spi.h"
#include "utils/builtins.h"
#include "utils/lsyscache.h"
#include "utils/memutils.h"
#include "utils/resowner.h"
#include "utils/syscache.h"
#include "utils/tuplestore.h"
}

#define PLV8C_VERSION "3.1.10"
#define PLV8C_STR2(x) #x
#define PLV8C_STR(x) PLV8C_STR2(x)
#define PLV8C_VERSION_TEXT                                                              \
  PLV8C_VERSION " (pg_durable plv8-compatible runtime, V8 " PLV8C_STR(V8_MAJOR_VERSION) \
  "." PLV8C_STR(V8_MINOR_VERSION) "." PLV8C_STR(V8_BUILD_NUMBER) ")"

namespace plv8c {

// PostgreSQL counts dates and timestamps from 2000-01-01; JavaScript from 1970-01-01.
constexpr double kPgEpochMs = 946684800000.0;
constexpr double kMsPerDay = 86400000.0;

// ---------------------------------------------------------------- settings (module.cc)
extern int memory_limit_mb;

// ---------------------------------------------------------------- errors (errors.cc)

// Marks a stretch where the backend runs PostgreSQL code on behalf of JavaScript (isolate.cc):
// the interrupt watchdog never terminates JavaScript then, and a termination it requested
// but V8 has not acted on yet is withdrawn, so that the pending cancel is raised by
// PostgreSQL as an ordinary (catchable) error instead. Scopes nest.
class InPostgres {
 public:
  InPostgres();
  ~InPostgres();
  InPostgres(const InPostgres &) = delete;
  InPostgres &operator=(const InPostgres &) = delete;

 private:
  bool prev_;
};

// The current error (in PG_CATCH), copied into a memory context of its own, a child of the
// current one. Release it with free_error: PostgreSQL 15's FreeErrorData misses some of the
// strings CopyErrorData makes (filename, funcname, …), which accumulate over a long call.
ErrorData *copy_error();
// A deep copy of `e` in a memory context of its own under `parent`.
ErrorData *copy_error_to(const ErrorData *e, MemoryContext parent);
void free_error(ErrorData *e);

// Runs f() and catches any PostgreSQL error it raises: returns nullptr on success, else a
// copy of the error (copy_error, under the memory context current at entry). f must not create C++ objects
// with destructors (HandleScope, TryCatch, std::string…): a longjmp skips them. f runs
// InPostgres (the watchdog leaves it alone; a pending cancel is raised as a catchable error).
template <typename F>
ErrorData *pg_guard(F &&f) {
  InPostgres in_pg;  // outside the PG_TRY: its destructor runs however f ends
  MemoryContext cxt = CurrentMemoryContext;
  ErrorData *volatile err = nullptr;
  PG_TRY();
  { f(); }
  PG_CATCH();
  {
    MemoryContextSwitchTo(cxt);
    err = copy_error();
    FlushErrorState();
  }
  PG_END_TRY();
  return err;
}

// pg_guard with a scratch memory context current while f runs, deleted afterwards (both
// ways). For transaction control (commit, rollback, subtransaction begin / release): it may
// allocate in the current memory context, which during a plv8 call is the SPI procedure
// context that lives as long as the whole call.
template <typename F>
ErrorData *pg_guard_scratch(F &&f) {
  MemoryContext old = CurrentMemoryContext;
  MemoryContext scratch = nullptr;
  ErrorData *err = pg_guard([&] {
    scratch = AllocSetContextCreate(old, "plv8 call", ALLOCSET_SMALL_SIZES);
    MemoryContextSwitchTo(scratch);
    f();
  });
  MemoryContextSwitchTo(old);
  if (scratch != nullptr) MemoryContextDelete(scratch);
  return err;
}

// Runs f(scratch) inside an internal subtransaction, like plv8 does around each statement:
// on a PostgreSQL error the subtransaction is rolled back and the error returned.
// `scratch` is a memory context deleted when the call ends (both ways). SPI functions that
// run a query return with CurrentMemoryContext set to the SPI procedure context (which lives
// as long as the whole plv8 call): f must switch back to `scratch` after each of them, or
// what it allocates afterwards accumulates for the rest of the call. f runs InPostgres.
ErrorData *in_subxact_raw(void (*f)(void *arg, MemoryContext scratch), void *arg);
template <typename F>
ErrorData *in_subxact(F &&f) {
  using Fn = std::remove_reference_t<F>;
  return in_subxact_raw([](void *a, MemoryContext s) { (*static_cast<Fn *>(a))(s); }, &f);
}

// A PostgreSQL error caught at the boundary, on its way into JavaScript.
class PgError {
 public:
  // Throws `e` as a JS exception shaped like real plv8's: an Error with the PostgreSQL
  // message and sqlerrcode (5 characters), schema_name, table_name, column_name,
  // datatype_name, constraint_name, detail, hint, context, internalquery (null when absent)
  // and code (the packed SQLSTATE as a number). Every ERROR is catchable, query cancel and
  // statement_timeout (57014) included. Frees `e` (it was copied into a context of its own).
  static void throw_js(v8::Isolate *iso, ErrorData *e);
};

// An uncaught JavaScript exception, captured into plain C data to be reported with ereport
// after every V8 scope has been left. As real plv8: the message is String(exception) without
// a leading "Error: "; the SQLSTATE is the exception's numeric `code` (SQL errors carry
// theirs), else XX000; `detail` and `hint` are reported, `context` prefixes the location.
class JsError {
 public:
  static JsError *capture(v8::Isolate *iso, v8::Local<v8::Context> ctx, v8::TryCatch &tc);
  [[noreturn]] void report() const;

 private:
  char *message_ = nullptr;
  int code_ = 0;
  char *detail_ = nullptr;
  char *hint_ = nullptr;
  char *context_ = nullptr;
};

// The message real plv8 gives a caught exception it turns into a new Error (what
// plv8.subtransaction rethrows): String(exception) without a leading "Error: " (twice).
char *rethrown_message(v8::Isolate *iso, v8::TryCatch &tc);

// At the top of every plv8.* function: true (and JS is terminated) once the heap limit was hit.
bool refuse_when_stopping(v8::Isolate *iso);

// Throws a JS Error / TypeError with a printf-style message.
void throw_error(v8::Isolate *iso, const char *fmt, ...) pg_attribute_printf(2, 3);
void throw_type_error(v8::Isolate *iso, const char *fmt, ...) pg_attribute_printf(2, 3);

// ---------------------------------------------------------------- runtime (isolate.cc)
v8::Isolate *runtime();  // the backend's isolate, created on first use (ereports on failure)
v8::MaybeLocal<v8::Context> role_context(v8::Isolate *iso, Oid role);

// Marks JavaScript as running for the watchdog (nesting counted). leave() must be called
// once the call returned, before looking at a termination.
//
// The watchdog (isolate.cc) stops JavaScript that runs on while a query cancel, a
// statement_timeout or a backend termination has been pending for kStopGraceMs: real plv8
// never does (it only sees interrupts inside SQL), so nothing may rely on it. It never acts
// while PostgreSQL code runs for JavaScript (InPostgres): a cancel raised there is a catchable
// JS exception, as on real plv8.
class JsEntry {
 public:
  explicit JsEntry(v8::Isolate *iso);
  ~JsEntry();
  void leave();

 private:
  v8::Isolate *iso_;
  bool prev_in_pg_;
  bool left_ = false;
};
constexpr int kStopGraceMs = 500;

enum class Stop { None, Interrupt, HeapLimit };
bool stop_pending();  // a heap-limit stop was requested and not yet handled
Stop take_termination(v8::Isolate *iso);  // after a terminated call: why, and resume V8
void raise_for_stop(Stop why);            // plain C, no V8 frames: ereports

// Whether the call that just failed under `tc` was terminated (watchdog, heap limit, cancel).
inline bool was_terminated(v8::Isolate *iso, v8::TryCatch &tc) {
  return tc.HasTerminated() || !tc.CanContinue() || iso->IsExecutionTerminating() ||
         stop_pending();
}

// ---------------------------------------------------------------- conversion (convert.cc)
enum class Kind { Bool, Int2, Int4, Int8, Float4, Float8, Numeric, Oid, Text, Json, Jsonb, Date,
                  Timestamp, TimestampTz, Bytea, Array, Composite, Void, Other };

struct TypeInfo {
  Oid oid;
  Oid base;  // differs from oid for domains
  Kind kind;
  int16 len;
  bool byval;
  char align;
  Oid ioparam;
  FmgrInfo in;
  FmgrInfo out;
  TypeInfo *elem;  // element type of an array
  void *domain_extra;
};

// All of these may ereport: call them under pg_guard / in_subxact.
TypeInfo *type_info(Oid typid);
v8::Local<v8::Value> to_js(v8::Isolate *iso, v8::Local<v8::Context> ctx, Datum d, bool isnull,
                           TypeInfo *t);
Datum to_datum(v8::Isolate *iso, v8::Local<v8::Context> ctx, v8::Local<v8::Value> v, TypeInfo *t,
               int32 typmod, bool *isnull);
v8::Local<v8::Object> row_to_js(v8::Isolate *iso, v8::Local<v8::Context> ctx, HeapTuple tup,
                                TupleDesc desc);
void js_to_row(v8::Isolate *iso, v8::Local<v8::Context> ctx, v8::Local<v8::Value> v,
               TupleDesc desc, Datum *values, bool *nulls);
v8::Local<v8::String> js_string(v8::Isolate *iso, const char *s, int len = -1);
char *js_cstring(v8::Isolate *iso, v8::Local<v8::Context> ctx, v8::Local<v8::Value> v,
                 bool allow_nul = false);
[[noreturn]] void js_conversion_failed(v8::Isolate *iso);

// ---------------------------------------------------------------- handlers (module.cc)

// State of one running plv8 call (nested calls form a stack).
struct CallFrame {
  Tuplestorestate *tupstore;  // set-returning functions only
  TupleDesc tupdesc;
  bool scalar_set;
  bool scalar_named;  // RETURNS TABLE (one_column …): rows may also be {one_column: v}
  MemoryContext row_cxt;
  CallFrame *prev;
};
extern CallFrame *current_frame;

struct FnEntry;
FnEntry *lookup_function(Oid fn, Oid role);  // ereports
v8::MaybeLocal<v8::Function> compiled_function(v8::Isolate *iso, v8::Local<v8::Context> ctx,
                                               FnEntry *e);
bool returns_set(const FnEntry *e);

// result.cc (all ereport)
void setup_srf(FunctionCallInfo fcinfo, CallFrame *f);
void add_row(v8::Isolate *iso, v8::Local<v8::Context> ctx, CallFrame *f, v8::Local<v8::Value> row);
void convert_result(v8::Isolate *iso, v8::Local<v8::Context> ctx, FunctionCallInfo fcinfo,
                    MemoryContext caller, CallFrame *f, v8::Local<v8::Value> rv, Oid rettype,
                    Datum *value, bool *isnull);

// ---------------------------------------------------------------- JS API (jsapi.cc, spi.cc)
void install_api(v8::Isolate *iso, v8::Local<v8::Context> ctx);
void js_execute(const v8::FunctionCallbackInfo<v8::Value> &info);
void js_prepare(const v8::FunctionCallbackInfo<v8::Value> &info);
void js_subtransaction(const v8::FunctionCallbackInfo<v8::Value> &info);

}  // namespace plv8c
