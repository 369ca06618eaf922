// jsapi.cc — the `plv8` object: its table of functions, logging, quoting, transaction control, return_next, find_function.
#include "plv8compat.h"

#include <string>

extern "C" {
#include "commands/proclang.h"
#include "utils/fmgrprotos.h"
}

using v8::Context;
using v8::FunctionCallbackInfo;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::Value;

namespace plv8c {

static bool valid_level(int level) {
  switch (level) {
    case DEBUG5: case DEBUG4: case DEBUG3: case DEBUG2: case DEBUG1:
    case LOG: case INFO: case NOTICE: case WARNING: case ERROR:
      return true;
    default:
      return false;
  }
}

static void js_elog(const FunctionCallbackInfo<Value> &info) {
  Isolate *iso = info.GetIsolate();
  if (refuse_when_stopping(iso)) return;
  Local<Context> ctx = iso->GetCurrentContext();
  int32_t level;
  if (info.Length() < 2)  // like real plv8 (which throws this string, not an Error)
    return (void)iso->ThrowException(js_string(iso, "usage: plv8.elog(elevel, ...)"));
  if (!info[0]->IsNumber() || !info[0]->Int32Value(ctx).To(&level) || !valid_level(level))
    return throw_type_error(iso, "plv8.elog(level, ...parts): level must be one of DEBUG5..DEBUG1, "
                                 "LOG, INFO, NOTICE, WARNING, ERROR");
  std::string msg;
  for (int i = 1; i < info.Length(); i++) {
    v8::String::Utf8Value part(iso, info[i]);
    if (*part == nullptr) return;  // toString threw: let it propagate
    if (i > 1) msg += ' ';
    msg += *part;
  }
  if (level >= ERROR) return throw_error(iso, "%s", msg.c_str());
  const char *text = msg.c_str();
  ErrorData *err = pg_guard([&] { ereport(level, (errmsg_internal("%s", text))); });
  if (err) PgError::throw_js(iso, err);
}

enum class Quote { Literal, Nullable, Ident };

static void quote(const FunctionCallbackInfo<Value> &info, Quote how) {
  Isolate *iso = info.GetIsolate();
  if (refuse_when_stopping(iso)) return;
  Local<Context> ctx = iso->GetCurrentContext();
  if (info.Length() < 1) return;  // undefined, as real plv8
  Local<Value> v = info[0];
  if (v->IsNullOrUndefined() && how == Quote::Nullable) {
    info.GetReturnValue().Set(js_string(iso, "NULL"));
    return;
  }
  // As real plv8, quote_literal and quote_ident quote String(v): null gives 'null' / "null".
  Local<v8::String> out;
  ErrorData *err = pg_guard_scratch([&] {
    char *s = js_cstring(iso, ctx, v);
    out = js_string(iso, how == Quote::Ident ? quote_identifier(s) : quote_literal_cstr(s));
  });
  if (err) return PgError::throw_js(iso, err);
  info.GetReturnValue().Set(out);
}

static void js_quote_literal(const FunctionCallbackInfo<Value> &info) { quote(info, Quote::Literal); }
static void js_quote_nullable(const FunctionCallbackInfo<Value> &info) { quote(info, Quote::Nullable); }
static void js_quote_ident(const FunctionCallbackInfo<Value> &info) { quote(info, Quote::Ident); }

static void js_commit(const FunctionCallbackInfo<Value> &info) {
  if (refuse_when_stopping(info.GetIsolate())) return;
  // The commit allocates in the current memory context (e.g. PostgreSQL 15's
  // RecordTransactionCommit → pgstat_get_transactional_drops, never freed): a scratch one.
  ErrorData *err = pg_guard_scratch([] { SPI_commit(); });
  if (err) PgError::throw_js(info.GetIsolate(), err);
}

static void js_rollback(const FunctionCallbackInfo<Value> &info) {
  if (refuse_when_stopping(info.GetIsolate())) return;
  ErrorData *err = pg_guard_scratch([] { SPI_rollback(); });
  if (err) PgError::throw_js(info.GetIsolate(), err);
}

static void js_return_next(const FunctionCallbackInfo<Value> &info) {
  Isolate *iso = info.GetIsolate();
  if (refuse_when_stopping(iso)) return;
  Local<Context> ctx = iso->GetCurrentContext();
  CallFrame *f = current_frame;
  if (f == nullptr || f->tupstore == nullptr)
    return throw_error(iso, "plv8.return_next() can only be used in a function that returns a "
                            "set (RETURNS SETOF … or RETURNS TABLE (…))");
  Local<Value> row = info.Length() > 0 ? info[0] : Local<Value>(v8::Undefined(iso));
  ErrorData *err = pg_guard([&] { add_row(iso, ctx, f, row); });
  if (err) PgError::throw_js(iso, err);
}

static void js_find_function(const FunctionCallbackInfo<Value> &info) {
  Isolate *iso = info.GetIsolate();
  if (refuse_when_stopping(iso)) return;
  Local<Context> ctx = iso->GetCurrentContext();
  if (info.Length() < 1 || !info[0]->IsString())
    return throw_type_error(iso, "plv8.find_function(name) expects 'schema.name' or "
                                 "'name(argtypes)'");
  v8::String::Utf8Value name(iso, info[0]);
  const char *text = *name;
  Oid role = GetUserId();
  FnEntry *e = nullptr;
  ErrorData *err = pg_guard_scratch([&] {
    Datum fn = strchr(text, '(') ? DirectFunctionCall1(regprocedurein, CStringGetDatum(text))
                                 : DirectFunctionCall1(regprocin, CStringGetDatum(text));
    HeapTuple tup = SearchSysCache1(PROCOID, fn);
    if (!HeapTupleIsValid(tup)) elog(ERROR, "cache lookup failed for function %u", DatumGetObjectId(fn));
    Oid lang = reinterpret_cast<Form_pg_proc>(GETSTRUCT(tup))->prolang;
    ReleaseSysCache(tup);
    if (lang != get_language_oid("plv8", false))
      ereport(ERROR, (errcode(ERRCODE_WRONG_OBJECT_TYPE),
                      errmsg("function %s is not a plv8 function", text),
                      errhint("plv8.find_function only returns functions written in plv8.")));
    e = lookup_function(DatumGetObjectId(fn), role);
  });
  if (err) return PgError::throw_js(iso, err);
  Local<v8::Function> fn;
  if (compiled_function(iso, ctx, e).ToLocal(&fn)) info.GetReturnValue().Set(fn);
}

// The plv8 API, registered in one table.
struct ApiEntry {
  const char *name;
  v8::FunctionCallback fn;
};

static const ApiEntry kApi[] = {
    {"elog", js_elog},
    {"execute", js_execute},
    {"prepare", js_prepare},
    {"subtransaction", js_subtransaction},
    {"commit", js_commit},
    {"rollback", js_rollback},
    {"return_next", js_return_next},
    {"quote_literal", js_quote_literal},
    {"quote_nullable", js_quote_nullable},
    {"quote_ident", js_quote_ident},
    {"find_function", js_find_function},
};

static const struct {
  const char *name;
  int level;
} kLevels[] = {{"DEBUG5", DEBUG5}, {"DEBUG4", DEBUG4}, {"DEBUG3", DEBUG3}, {"DEBUG2", DEBUG2},
               {"DEBUG1", DEBUG1}, {"LOG", LOG},       {"INFO", INFO},     {"NOTICE", NOTICE},
               {"WARNING", WARNING}, {"ERROR", ERROR}};

void install_api(Isolate *iso, Local<Context> ctx) {
  Context::Scope scope(ctx);
  Local<Object> global = ctx->Global();
  Local<Object> plv8 = Object::New(iso);
  for (const ApiEntry &a : kApi) {
    Local<v8::Function> f;
    if (v8::Function::New(ctx, a.fn).ToLocal(&f)) plv8->Set(ctx, js_string(iso, a.name), f).IsJust();
  }
  plv8->Set(ctx, js_string(iso, "version"), js_string(iso, PLV8C_VERSION_TEXT)).IsJust();
  global->Set(ctx, js_string(iso, "plv8"), plv8).IsJust();
  for (const auto &l : kLevels)
    global->Set(ctx, js_string(iso, l.name), v8::Integer::New(iso, l.level)).IsJust();
}

}  // namespace plv8c
