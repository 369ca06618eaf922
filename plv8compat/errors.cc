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

bool PgError::is_cancel(int code) {
  return code == ERRCODE_QUERY_CANCELED || code == ERRCODE_ADMIN_SHUTDOWN ||
         code == ERRCODE_CRASH_SHUTDOWN;
}

static void set_str(Isolate *iso, Local<Context> ctx, Local<Object> o, const char *key,
                    const char *val) {
  if (val == nullptr) return;
  o->Set(ctx, js_string(iso, key), js_string(iso, val)).IsJust();
}

void force_termination(Isolate *iso) {
  iso->TerminateExecution();
  // V8 acts on the request at its next interrupt check; a loop that only calls plv8
  // functions may not reach one for a long time. Entering any JS function checks at once.
  Local<Context> ctx = iso->GetCurrentContext();
  Local<v8::Script> noop;
  if (v8::Script::Compile(ctx, js_string(iso, "0")).ToLocal(&noop)) (void)noop->Run(ctx).IsEmpty();
}

bool refuse_when_stopping(Isolate *iso) {
  if (!stop_pending()) return false;
  iso->TerminateExecution();
  return true;
}

void PgError::throw_js(Isolate *iso, ErrorData *e) {
  if (is_cancel(e->sqlerrcode)) {
    // Not catchable by JavaScript: the statement must end, as PostgreSQL asked.
    remember_stop_error(e);
    free_error(e);
    force_termination(iso);
    return;
  }
  Local<Context> ctx = iso->GetCurrentContext();
  Local<Value> ex = v8::Exception::Error(js_string(iso, e->message ? e->message : "unknown error"));
  Local<Object> o = ex.As<Object>();
  set_str(iso, ctx, o, "sqlerrcode", unpack_sql_state(e->sqlerrcode));
  set_str(iso, ctx, o, "detail", e->detail);
  set_str(iso, ctx, o, "hint", e->hint);
  set_str(iso, ctx, o, "context", e->context);
  set_str(iso, ctx, o, "schema_name", e->schema_name);
  set_str(iso, ctx, o, "table_name", e->table_name);
  set_str(iso, ctx, o, "column_name", e->column_name);
  set_str(iso, ctx, o, "constraint_name", e->constraint_name);
  free_error(e);
  iso->ThrowException(ex);
}

// A string property of an exception object, copied into palloc'd memory (or nullptr).
static char *string_prop(Isolate *iso, Local<Context> ctx, Local<Value> ex, const char *key) {
  if (!ex->IsObject()) return nullptr;
  Local<Value> v;
  if (!ex.As<Object>()->Get(ctx, js_string(iso, key)).ToLocal(&v) || !v->IsString())
    return nullptr;
  v8::String::Utf8Value s(iso, v);
  return *s ? pstrdup(*s) : nullptr;
}

JsError *JsError::capture(Isolate *iso, Local<Context> ctx, v8::TryCatch &tc) {
  JsError *j = static_cast<JsError *>(palloc0(sizeof(JsError)));
  j->code_ = ERRCODE_INTERNAL_ERROR;
  Local<Value> ex = tc.Exception();
  if (ex.IsEmpty()) {
    j->message_ = pstrdup("unknown JavaScript exception");
    return j;
  }
  {
    v8::String::Utf8Value s(iso, ex);  // v8::String(err): "Error: boom" for Error objects, like plv8
    j->message_ = pstrdup(*s ? *s : "JavaScript exception (not convertible to a string)");
  }
  char *code = string_prop(iso, ctx, ex, "sqlerrcode");
  if (code != nullptr && strlen(code) == 5)
    j->code_ = MAKE_SQLSTATE(code[0], code[1], code[2], code[3], code[4]);
  j->detail_ = string_prop(iso, ctx, ex, "detail");
  j->hint_ = string_prop(iso, ctx, ex, "hint");
  Local<v8::Message> m = tc.Message();
  if (!m.IsEmpty()) {
    v8::String::Utf8Value where(iso, m->GetScriptResourceName());
    int line = m->GetLineNumber(ctx).FromMaybe(0);
    int col = m->GetStartColumn(ctx).FromMaybe(0) + 1;
    j->context_ = psprintf("JavaScript %s line %d column %d", *where ? *where : "code", line, col);
  }
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
