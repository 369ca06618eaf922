// spi.cc — SQL from JavaScript: plv8.execute, plv8.prepare plans and plv8.subtransaction, each statement in its own subtransaction.
#include "plv8compat.h"

extern "C" {
#include "executor/spi_priv.h"
#include "nodes/params.h"
#include "parser/parse_param.h"
#include "parser/parse_type.h"
}

using v8::Array;
using v8::Context;
using v8::FunctionCallbackInfo;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::Value;

namespace plv8c {

// Parameter types PostgreSQL infers from the statement ($n used as an int, a jsonb, …).
struct VarParams {
  Oid *types;
  int n;
};

static void var_param_setup(ParseState *ps, void *arg) {
  VarParams *p = static_cast<VarParams *>(arg);
  setup_parse_variable_parameters(ps, &p->types, &p->n);
}

// A kept plan behind a JS plan object.
struct Plan {
  SPIPlanPtr plan;
  int nargs;
  Oid *types;  // in TopMemoryContext
};

static v8::Global<v8::ObjectTemplate> *plan_template = new v8::Global<v8::ObjectTemplate>();

// Statement parameters: one array argument, or the arguments after the SQL text (plv8
// accepts both). As on real plv8, a lone non-array value (`undefined` included) is one
// parameter.
static Local<Array> statement_args(const FunctionCallbackInfo<Value> &info, int first) {
  Isolate *iso = info.GetIsolate();
  Local<Context> ctx = iso->GetCurrentContext();
  if (info.Length() == first + 1 && info[first]->IsArray()) return info[first].As<Array>();
  int n = info.Length() > first ? info.Length() - first : 0;
  Local<Array> a = Array::New(iso, n);
  for (int i = 0; i < n; i++) a->Set(ctx, i, info[first + i]).IsJust();
  return a;
}

// The result of the last statement: rows for statements returning tuples, else a count.
// free_rows: free the SPI tuple table afterwards (prepared plans); plv8.execute keeps it, as
// real plv8 does (SPI keeps it in the procedure context until the plv8 call ends).
static Local<Value> spi_result(Isolate *iso, Local<Context> ctx, bool free_rows) {
  SPITupleTable *tt = SPI_tuptable;
  if (tt == nullptr) return v8::Number::New(iso, static_cast<double>(SPI_processed));
  TupleDesc desc = tt->tupdesc;
  uint64 n = SPI_processed;
  int natts = desc->natts;
  Local<v8::String> *names = static_cast<Local<v8::String> *>(palloc0(sizeof(Local<v8::String>) * (natts + 1)));
  TypeInfo **types = static_cast<TypeInfo **>(palloc0(sizeof(TypeInfo *) * (natts + 1)));
  for (int c = 0; c < natts; c++) {
    Form_pg_attribute att = TupleDescAttr(desc, c);
    if (att->attisdropped) continue;
    names[c] = js_string(iso, NameStr(att->attname));
    types[c] = type_info(att->atttypid);
  }
  Local<Array> rows = Array::New(iso, static_cast<int>(n));
  for (uint64 r = 0; r < n; r++) {
    Local<Object> o = Object::New(iso);
    for (int c = 0; c < natts; c++) {
      if (types[c] == nullptr) continue;
      bool isnull;
      Datum d = heap_getattr(tt->vals[r], c + 1, desc, &isnull);
      o->CreateDataProperty(ctx, names[c], to_js(iso, ctx, d, isnull, types[c])).IsJust();
    }
    rows->Set(ctx, static_cast<uint32_t>(r), o).IsJust();
  }
  if (free_rows) SPI_freetuptable(tt);
  return rows;
}

static Local<Value> arg_at(Isolate *iso, Local<Context> ctx, Local<Array> args, int i) {
  Local<Value> v;
  if (!args->Get(ctx, i).ToLocal(&v)) js_conversion_failed(iso);
  return v;
}

// Prepares `sql` letting PostgreSQL infer the parameter types. With `scratch`, the plan lives
// there; without, it stays where SPI puts it (the SPI procedure context: until the plv8 call
// ends, like real plv8's plv8.execute(sql, args), which never frees its plan).
// nargs < 0: any number of parameters; else exactly nargs (real plv8: "parameter numbers
// mismatch").
static SPIPlanPtr prepare_inferred(const char *sql, int nargs, MemoryContext back_to,
                                   MemoryContext scratch, VarParams *vp) {
  vp->n = 0;  // the parser raises it to the highest $n used (and enlarges types)
  vp->types = static_cast<Oid *>(palloc0(sizeof(Oid)));
  SPIPlanPtr plan = SPI_prepare_params(sql, var_param_setup, vp, 0);
  MemoryContextSwitchTo(back_to);  // SPI calls return in the SPI procedure context
  if (plan == nullptr)
    elog(ERROR, "could not prepare the statement: %s", SPI_result_code_string(SPI_result));
  if (scratch != nullptr) {
    // The plan and its CachedPlanSources (SPI puts those directly under the SPI procedure
    // context, which lives as long as the whole call) go with `scratch`, even on error.
    MemoryContextSetParent(plan->plancxt, scratch);
    for (int i = 0; i < list_length(plan->plancache_list); i++)
      CachedPlanSetParentContext(
          static_cast<CachedPlanSource *>(list_nth(plan->plancache_list, i)), scratch);
  }
  if (nargs >= 0 && vp->n != nargs)
    elog(ERROR, "parameter numbers mismatch: %d != %d", vp->n, nargs);
  return plan;
}

void js_execute(const FunctionCallbackInfo<Value> &info) {
  Isolate *iso = info.GetIsolate();
  if (refuse_when_stopping(iso)) return;
  Local<Context> ctx = iso->GetCurrentContext();
  if (info.Length() < 1 || !info[0]->IsString())
    return throw_type_error(iso, "plv8.execute(sql [, args]) expects the SQL text as a string");
  v8::String::Utf8Value sql(iso, info[0]);
  const char *text = *sql;
  Local<Array> args = statement_args(info, 1);
  Local<Value> result;
  ErrorData *err = in_subxact([&](MemoryContext scratch) {
    CHECK_FOR_INTERRUPTS();
    int nargs = static_cast<int>(args->Length());
    // Like real plv8, plv8.execute never frees its result: the SPI tuple table (and, with
    // arguments, the plan) stays in the SPI procedure context until the plv8 call ends, so a
    // long CALL that commits per step grows with every unprepared row-returning statement.
    if (nargs == 0) {
      // One-shot: several statements may follow each other, later ones using earlier DDL.
      int rc = SPI_execute(text, false, 0);
      MemoryContextSwitchTo(scratch);
      if (rc < 0) elog(ERROR, "could not run the statement: %s", SPI_result_code_string(rc));
      result = spi_result(iso, ctx, false);
      return;
    }
    VarParams vp;
    SPIPlanPtr plan = prepare_inferred(text, nargs, scratch, nullptr, &vp);
    ParamListInfo pl = makeParamList(nargs);
    for (int i = 0; i < nargs; i++) {
      ParamExternData *p = &pl->params[i];
      p->pflags = PARAM_FLAG_CONST;
      p->ptype = vp.types[i];
      p->isnull = true;
      p->value = (Datum)0;
      if (OidIsValid(p->ptype))
        p->value = to_datum(iso, ctx, arg_at(iso, ctx, args, i), type_info(p->ptype), -1,
                            &p->isnull);
    }
    int rc = SPI_execute_plan_with_paramlist(plan, pl, false, 0);
    MemoryContextSwitchTo(scratch);
    if (rc < 0) elog(ERROR, "could not run the statement: %s", SPI_result_code_string(rc));
    result = spi_result(iso, ctx, false);
  });
  if (err) return PgError::throw_js(iso, err);
  info.GetReturnValue().Set(result);
}

static Plan *plan_of(const FunctionCallbackInfo<Value> &info) {
  Local<Object> self = info.This();
  if (self->InternalFieldCount() < 1) return nullptr;
  return static_cast<Plan *>(self->GetAlignedPointerFromInternalField(0));
}

static void js_plan_execute(const FunctionCallbackInfo<Value> &info) {
  Isolate *iso = info.GetIsolate();
  if (refuse_when_stopping(iso)) return;
  Local<Context> ctx = iso->GetCurrentContext();
  Plan *p = plan_of(info);
  if (p == nullptr) return throw_error(iso, "this plan has been freed (or is not a plan)");
  Local<Array> args = statement_args(info, 0);
  if (static_cast<int>(args->Length()) != p->nargs)
    return throw_error(iso, "plan expected %d argument(s), given is %u", p->nargs,
                       args->Length());
  Local<Value> result;
  ErrorData *err = in_subxact([&](MemoryContext scratch) {
    CHECK_FOR_INTERRUPTS();
    Datum *values = static_cast<Datum *>(palloc0(sizeof(Datum) * (p->nargs + 1)));
    char *nulls = static_cast<char *>(palloc0(p->nargs + 1));
    for (int i = 0; i < p->nargs; i++) {
      bool isnull;
      values[i] = to_datum(iso, ctx, arg_at(iso, ctx, args, i), type_info(p->types[i]), -1,
                           &isnull);
      nulls[i] = isnull ? 'n' : ' ';
    }
    int rc = SPI_execute_plan(p->plan, values, nulls, false, 0);
    MemoryContextSwitchTo(scratch);
    if (rc < 0) elog(ERROR, "could not run the plan: %s", SPI_result_code_string(rc));
    result = spi_result(iso, ctx, true);
  });
  if (err) return PgError::throw_js(iso, err);
  info.GetReturnValue().Set(result);
}

static void js_plan_free(const FunctionCallbackInfo<Value> &info) {
  Isolate *iso = info.GetIsolate();
  if (refuse_when_stopping(iso)) return;
  Plan *p = plan_of(info);
  if (p == nullptr) return;
  info.This()->SetAlignedPointerInInternalField(0, nullptr);
  ErrorData *err = pg_guard([&] {
    SPI_freeplan(p->plan);
    pfree(p->types);
  });
  delete p;
  if (err) PgError::throw_js(iso, err);
}

static Local<v8::ObjectTemplate> plan_template_for(Isolate *iso) {
  if (plan_template->IsEmpty()) {
    Local<v8::ObjectTemplate> t = v8::ObjectTemplate::New(iso);
    t->SetInternalFieldCount(1);
    t->Set(iso, "execute", v8::FunctionTemplate::New(iso, js_plan_execute));
    t->Set(iso, "free", v8::FunctionTemplate::New(iso, js_plan_free));
    plan_template->Reset(iso, t);
  }
  return Local<v8::ObjectTemplate>::New(iso, *plan_template);
}

void js_prepare(const FunctionCallbackInfo<Value> &info) {
  Isolate *iso = info.GetIsolate();
  if (refuse_when_stopping(iso)) return;
  Local<Context> ctx = iso->GetCurrentContext();
  if (info.Length() < 1 || !info[0]->IsString())
    return throw_type_error(iso, "plv8.prepare(sql [, types]) expects the SQL text as a string");
  bool typed = info.Length() > 1 && info[1]->IsArray();
  if (info.Length() > 1 && !typed && !info[1]->IsNullOrUndefined())
    return throw_type_error(iso, "plv8.prepare(sql, types): types must be an array of type names");
  v8::String::Utf8Value sql(iso, info[0]);
  const char *text = *sql;
  Local<Array> names = typed ? info[1].As<Array>() : Array::New(iso, 0);
  Plan *p = new Plan();
  ErrorData *err = in_subxact([&](MemoryContext scratch) {
    int n = static_cast<int>(names->Length());
    Oid *types = static_cast<Oid *>(palloc0(sizeof(Oid) * (n + 1)));
    if (typed) {
      for (int i = 0; i < n; i++) {
        int32 typmod;
        parseTypeString(js_cstring(iso, ctx, arg_at(iso, ctx, names, i)), &types[i], &typmod,
                        false);
      }
    } else {
      VarParams vp;
      prepare_inferred(text, -1, scratch, scratch, &vp);
      n = vp.n;
      types = vp.types;
      for (int i = 0; i < n; i++)
        if (!OidIsValid(types[i])) types[i] = TEXTOID;
    }
    SPIPlanPtr plan = SPI_prepare(text, n, types);
    MemoryContextSwitchTo(scratch);
    if (plan == nullptr)
      elog(ERROR, "could not prepare the statement: %s", SPI_result_code_string(SPI_result));
    if (SPI_keepplan(plan) != 0) elog(ERROR, "could not keep the prepared plan");
    p->plan = plan;
    p->nargs = n;
    p->types = static_cast<Oid *>(MemoryContextAlloc(TopMemoryContext, sizeof(Oid) * (n + 1)));
    memcpy(p->types, types, sizeof(Oid) * n);
  });
  if (err) {
    delete p;
    return PgError::throw_js(iso, err);
  }
  Local<Object> obj;
  if (!plan_template_for(iso)->NewInstance(ctx).ToLocal(&obj)) return;
  obj->SetAlignedPointerInInternalField(0, p);
  info.GetReturnValue().Set(obj);
}

void js_subtransaction(const FunctionCallbackInfo<Value> &info) {
  Isolate *iso = info.GetIsolate();
  if (refuse_when_stopping(iso)) return;
  Local<Context> ctx = iso->GetCurrentContext();
  if (info.Length() < 1 || !info[0]->IsFunction())
    return throw_type_error(iso, "plv8.subtransaction(fn) expects a function");
  Local<v8::Function> fn = info[0].As<v8::Function>();
  MemoryContext cxt = CurrentMemoryContext;
  ResourceOwner owner = CurrentResourceOwner;
  auto restore = [&] {
    MemoryContextSwitchTo(cxt);
    CurrentResourceOwner = owner;
  };
  ErrorData *err = pg_guard_scratch([] { BeginInternalSubTransaction(NULL); });
  restore();
  if (err) return PgError::throw_js(iso, err);
  Local<Value> result;
  char *rethrow = nullptr;  // the message of the Error to throw once tc is gone
  {
    v8::TryCatch tc(iso);
    if (!fn->Call(ctx, v8::Undefined(iso), 0, nullptr).ToLocal(&result)) {
      err = pg_guard_scratch([] { RollbackAndReleaseCurrentSubTransaction(); });
      restore();
      if (was_terminated(iso, tc)) {
        if (err) free_error(err);
        return;  // termination keeps unwinding (a TryCatch never cancels it)
      }
      // Real plv8 does not rethrow the exception itself but a new Error made from its
      // string (without a leading "Error: "): no name, sqlerrcode, code, detail… of the
      // original. A SQL error raised by plv8.execute inside fn loses its SQLSTATE here.
      if (err == nullptr) rethrow = rethrown_message(iso, tc);
    }
  }
  if (err) return PgError::throw_js(iso, err);
  if (rethrow != nullptr) {
    Local<v8::String> text = js_string(iso, rethrow);
    pfree(rethrow);
    iso->ThrowException(v8::Exception::Error(text));
    return;
  }
  err = pg_guard_scratch([] { ReleaseCurrentSubTransaction(); });
  restore();
  if (err) return PgError::throw_js(iso, err);
  info.GetReturnValue().Set(result);
}

}  // namespace plv8c
