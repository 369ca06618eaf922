// errors.cc — the JS/PostgreSQL error boundary: caught PG errors become JS exceptions, uncaught JS exceptions become ereport.
#include "plv8compat.h"

#include <cstdarg>

using v8::Context;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::Value;

namespace plv8c {

ErrorData *copy_error() {
  MemoryContext parent = CurrentMemoryContext;
  MemoryContext cxt = AllocSetContextCreate(parent, "plv8 error", ALLOCSET_SMALL_SIZES);
  MemoryContextSwitchTo(cxt);
  ErrorData *e = CopyErrorData();  // e->assoc_context = cxt
  MemoryContextSwitchTo(parent);
  return e;
}

static char *dup_or_null(const char *s) { return s ? pstrdup(s) : nullptr; }

ErrorData *copy_error_to(const ErrorData *e, MemoryContext parent) {
  MemoryContext cxt = AllocSetContextCreate(parent, "plv8 error", ALLOCSET_SMALL_SIZES);
  MemoryContext old = MemoryContextSwitchTo(cxt);
  ErrorData *c = static_cast<ErrorData *>(palloc(sizeof(ErrorData)));
  *c = *e;
  c->filename = dup_or_null(e->filename);
  c->funcname = dup_or_null(e->funcname);
  c->domain = dup_or_null(e->domain);
  c->context_domain = dup_or_null(e->context_domain);
  c->message = dup_or_null(e->message);
  c->detail = dup_or_null(e->detail);
  c->detail_log = dup_or_null(e->detail_log);
  c->hint = dup_or_null(e->hint);
  c->context = dup_or_null(e->context);
  c->backtrace = dup_or_null(e->backtrace);
  c->message_id = dup_or_null(e->message_id);
  c->schema_name = dup_or_null(e->schema_name);
  c->table_name = dup_or_null(e->table_name);
  c->column_name = dup_or_null(e->column_name);
  c->datatype_name = dup_or_null(e->datatype_name);
  c->constraint_name = dup_or_null(e->constraint_name);
  c->internalquery = dup_or_null(e->internalquery);
  c->assoc_context = cxt;
  MemoryContextSwitchTo(old);
  return c;
}

void free_error(ErrorData *e) { MemoryContextDelete(e->assoc_context); }

ErrorData *in_subxact_raw(void (*f)(void *, MemoryContext), void *arg) {
  InPostgres in_pg;  // outside the PG_TRY: its destructor runs however f ends
  MemoryContext cxt = CurrentMemoryContext;
  ResourceOwner owner = CurrentResourceOwner;
  volatile bool started = false;
  volatile MemoryContext scratch = nullptr;
  ErrorData *volatile err = nullptr;
  PG_TRY();
  {
    scratch = AllocSetContextCreate(cxt, "plv8 statement", ALLOCSET_DEFAULT_SIZES);
    // Everything, the subtransaction machinery included, allocates in scratch: `cxt` (the
    // SPI procedure context) lives as long as the whole plv8 call.
    MemoryContextSwitchTo(scratch);
    BeginInternalSubTransaction(NULL);
    started = true;
    MemoryContextSwitchTo(scratch);
    f(arg, scratch);
    MemoryContextSwitchTo(scratch);
    ReleaseCurrentSubTransaction();
    started = false;
    MemoryContextSwitchTo(cxt);
    CurrentResourceOwner = owner;
  }
  PG_CATCH();
  {
    MemoryContextSwitchTo(cxt);
    err = copy_error();
    FlushErrorState();
    if (started) {
      MemoryContextSwitchTo(scratch);
      RollbackAndReleaseCurrentSubTransaction();
    }
    MemoryContextSwitchTo(cxt);
    CurrentResourceOwner = owner;
  }
  PG_END_TRY();
  if (scratch) MemoryContextDelete(scratch);
  return err;
}

static void set_str_or_null(Isolate *iso, Local<Context> ctx, Local<Object> o, const char *key,
                            const char *val) {
  Local<Value> v = val ? Local<Value>(js_string(iso, val)) : Local<Value>(v8::Null(iso));
  o->Set(ctx, js_string(iso, key), v).IsJust();
}

bool refuse_when_stopping(Isolate *iso) {
  if (!stop_pending()) return false;
  iso->TerminateExecution();
  return true;
}

void PgError::throw_js(Isolate *iso, ErrorData *e) {
  // Every ERROR, query cancel and statement_timeout included, is an ordinary exception that
  // JavaScript may catch, like on real plv8. (FATAL errors never get here: they end the
  // backend where they are raised.)
  Local<Context> ctx = iso->GetCurrentContext();
  Local<Value> ex = v8::Exception::Error(js_string(iso, e->message ? e->message : "unknown error"));
  Local<Object> o = ex.As<Object>();
  // The same properties, in the same order, as real plv8 3.1's exceptions for SQL errors.
  set_str_or_null(iso, ctx, o, "sqlerrcode", unpack_sql_state(e->sqlerrcode));
  set_str_or_null(iso, ctx, o, "schema_name", e->schema_name);
  set_str_or_null(iso, ctx, o, "table_name", e->table_name);
  set_str_or_null(iso, ctx, o, "column_name", e->column_name);
  set_str_or_null(iso, ctx, o, "datatype_name", e->datatype_name);
  set_str_or_null(iso, ctx, o, "constraint_name", e->constraint_name);
  set_str_or_null(iso, ctx, o, "detail", e->detail);
  set_str_or_null(iso, ctx, o, "hint", e->hint);
  set_str_or_null(iso, ctx, o, "context", e->context);
  set_str_or_null(iso, ctx, o, "internalquery", e->internalquery);
  o->Set(ctx, js_string(iso, "code"), v8::Uint32::NewFromUnsigned(iso, static_cast<uint32_t>(e->sqlerrcode)))
      .IsJust();
  free_error(e);
  iso->ThrowException(ex);
}

// A property of an exception object, as String(value), copied into palloc'd memory; nullptr
// when it is missing, undefined or null (or cannot be read). Never lets an exception out.
static char *prop_string(Isolate *iso, Local<Context> ctx, Local<Object> o, const char *key) {
  v8::TryCatch inner(iso);
  Local<Value> v;
  if (!o->Get(ctx, js_string(iso, key)).ToLocal(&v) || v->IsNullOrUndefined()) return nullptr;
  v8::String::Utf8Value s(iso, v);
  return *s ? pstrdup(*s) : nullptr;
}

static const char *strip_error_prefix(const char *m) {
  return strncmp(m, "Error: ", 7) == 0 ? m + 7 : m;
}

char *rethrown_message(Isolate *iso, v8::TryCatch &tc) {
  Local<Value> ex = tc.Exception();
  if (ex.IsEmpty()) return pstrdup("unknown exception");
  v8::TryCatch inner(iso);
  v8::String::Utf8Value s(iso, ex);
  if (*s == nullptr) return pstrdup("unknown exception");
  // real plv8: js_error strips "Error: " once (when V8 gave a message), error_object again.
  const char *m = *s;
  if (!tc.Message().IsEmpty()) m = strip_error_prefix(m);
  return pstrdup(strip_error_prefix(m));
}

JsError *JsError::capture(Isolate *iso, Local<Context> ctx, v8::TryCatch &tc) {
  JsError *j = static_cast<JsError *>(palloc0(sizeof(JsError)));
  j->code_ = ERRCODE_INTERNAL_ERROR;
  Local<Value> ex = tc.Exception();
  Local<v8::Message> m = tc.Message();
  if (ex.IsEmpty()) {
    j->message_ = pstrdup("unknown JavaScript exception");
    return j;
  }
  v8::TryCatch inner(iso);  // nothing read below may throw past here
  {
    v8::String::Utf8Value s(iso, ex);  // String(err): "Error: boom" for Error objects
    const char *text = *s ? *s : "JavaScript exception (not convertible to a string)";
    // Like real plv8: a leading "Error: " goes (when V8 gave a message, i.e. always for a
    // thrown value); "TypeError: …" and the like stay.
    j->message_ = pstrdup(m.IsEmpty() ? text : strip_error_prefix(text));
  }
  StringInfoData where;
  initStringInfo(&where);
  Local<Object> o;
  if (ex->ToObject(ctx).ToLocal(&o)) {
    // The SQLSTATE comes from a numeric `code` only (real plv8: Int32Value of `code`, used
    // when not 0), so an SQL error rethrown unchanged keeps its own; `sqlerrcode` is ignored.
    Local<Value> code;
    int32_t n = 0;
    if (o->Get(ctx, js_string(iso, "code")).ToLocal(&code) && !code->IsNullOrUndefined() &&
        code->Int32Value(ctx).To(&n) && n != 0)
      j->code_ = n;
    j->detail_ = prop_string(iso, ctx, o, "detail");
    j->hint_ = prop_string(iso, ctx, o, "hint");
    char *context = prop_string(iso, ctx, o, "context");
    if (context != nullptr) appendStringInfo(&where, "%s\n", context);
  }
  if (!m.IsEmpty()) {
    v8::String::Utf8Value name(iso, m->GetScriptResourceName());
    int line = m->GetLineNumber(ctx).FromMaybe(0);
    Local<v8::String> src;
    char *source = nullptr;
    if (m->GetSourceLine(ctx).ToLocal(&src)) {
      v8::String::Utf8Value s(iso, src);
      if (*s) source = pstrdup(*s);
    }
    appendStringInfo(&where, "%s() LINE %d: %s", *name ? *name : "?", line,
                     source ? source : "?");
  }
  if (where.len > 0) j->context_ = where.data;
  tc.Reset();
  return j;
}

void JsError::report() const {
  ereport(ERROR, (errcode(code_), errmsg("%s", message_),
                  detail_ ? errdetail("%s", detail_) : 0, hint_ ? errhint("%s", hint_) : 0,
                  context_ ? errcontext("%s", context_) : 0));
  pg_unreachable();
}

static void throw_va(Isolate *iso, bool type_error, const char *fmt, va_list ap)
    pg_attribute_printf(3, 0);
static void throw_va(Isolate *iso, bool type_error, const char *fmt, va_list ap) {
  char buf[1024];
  vsnprintf(buf, sizeof buf, fmt, ap);
  Local<v8::String> msg = js_string(iso, buf);
  iso->ThrowException(type_error ? v8::Exception::TypeError(msg) : v8::Exception::Error(msg));
}

void throw_error(Isolate *iso, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  throw_va(iso, false, fmt, ap);
  va_end(ap);
}

void throw_type_error(Isolate *iso, const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  throw_va(iso, true, fmt, ap);
  va_end(ap);
}

}  // namespace plv8c
