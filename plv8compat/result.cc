// result.cc — what a plv8 function returns: scalars, composite rows, and sets (tuplestore rows from return_next / arrays).
#include "plv8compat.h"

using v8::Context;
using v8::Isolate;
using v8::Local;
using v8::Value;

namespace plv8c {

void add_row(Isolate *iso, Local<Context> ctx, CallFrame *f, Local<Value> row) {
  MemoryContext old = MemoryContextSwitchTo(f->row_cxt);
  int natts = f->tupdesc->natts;
  Datum *values = static_cast<Datum *>(palloc0(sizeof(Datum) * (natts + 1)));
  bool *nulls = static_cast<bool *>(palloc0(sizeof(bool) * (natts + 1)));
  Form_pg_attribute att = TupleDescAttr(f->tupdesc, 0);
  Kind k = type_info(att->atttypid)->kind;
  bool as_row = f->scalar_named && row->IsObject() && !row->IsArray() && !row->IsDate() &&
                !row->IsArrayBufferView() && k != Kind::Json && k != Kind::Jsonb &&
                k != Kind::Composite;
  if (f->scalar_set && !as_row) {
    values[0] = to_datum(iso, ctx, row, type_info(att->atttypid), att->atttypmod, &nulls[0]);
  } else {
    js_to_row(iso, ctx, row, f->tupdesc, values, nulls);
  }
  tuplestore_putvalues(f->tupstore, f->tupdesc, values, nulls);
  MemoryContextSwitchTo(old);
  MemoryContextReset(f->row_cxt);
}

void setup_srf(FunctionCallInfo fcinfo, CallFrame *f) {
  ReturnSetInfo *rsi = reinterpret_cast<ReturnSetInfo *>(fcinfo->resultinfo);
  if (rsi == nullptr || !IsA(rsi, ReturnSetInfo) || !(rsi->allowedModes & SFRM_Materialize))
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("set-valued function called in context that cannot accept a set")));
  MemoryContext old = MemoryContextSwitchTo(rsi->econtext->ecxt_per_query_memory);
  Oid resolved;
  TupleDesc desc;
  TypeFuncClass c = get_call_result_type(fcinfo, &resolved, &desc);
  if (c == TYPEFUNC_COMPOSITE) {
    desc = CreateTupleDescCopy(desc);
    f->scalar_set = false;
  } else if (c == TYPEFUNC_SCALAR) {
    char *name = get_func_result_name(fcinfo->flinfo->fn_oid);
    desc = CreateTemplateTupleDesc(1);
    TupleDescInitEntry(desc, 1, name ? name : "value", resolved, -1, 0);
    f->scalar_set = true;
    f->scalar_named = name != nullptr;
  } else {
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("function returning record called in context that cannot accept "
                           "type record")));
  }
  f->tupdesc = desc;
  f->tupstore = tuplestore_begin_heap((rsi->allowedModes & SFRM_Materialize_Random) != 0, false,
                                      work_mem);
  MemoryContextSwitchTo(old);
  f->row_cxt = AllocSetContextCreate(CurrentMemoryContext, "plv8 row", ALLOCSET_DEFAULT_SIZES);
}

void convert_result(Isolate *iso, Local<Context> ctx, FunctionCallInfo fcinfo,
                    MemoryContext caller, CallFrame *f, Local<Value> rv, Oid rettype,
                    Datum *value, bool *isnull) {
  *isnull = false;
  *value = (Datum)0;
  if (f->tupstore != nullptr) {
    if (rv->IsArray()) {
      Local<v8::Array> a = rv.As<v8::Array>();
      for (uint32_t i = 0; i < a->Length(); i++) {
        Local<Value> row;
        if (!a->Get(ctx, i).ToLocal(&row)) js_conversion_failed(iso);
        add_row(iso, ctx, f, row);
      }
    } else if (!rv->IsNullOrUndefined()) {
      add_row(iso, ctx, f, rv);
    }
    *isnull = true;
    return;
  }
  if (rettype == VOIDOID) return;
  MemoryContext old = MemoryContextSwitchTo(caller);
  Oid resolved;
  TupleDesc desc;
  TypeFuncClass c = get_call_result_type(fcinfo, &resolved, &desc);
  if (rv->IsNullOrUndefined() && c != TYPEFUNC_SCALAR) {
    *isnull = true;
  } else if (c == TYPEFUNC_COMPOSITE || c == TYPEFUNC_COMPOSITE_DOMAIN) {
    desc = BlessTupleDesc(CreateTupleDescCopy(desc));
    Datum *values = static_cast<Datum *>(palloc0(sizeof(Datum) * (desc->natts + 1)));
    bool *nulls = static_cast<bool *>(palloc0(sizeof(bool) * (desc->natts + 1)));
    js_to_row(iso, ctx, rv, desc, values, nulls);
    *value = HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
  } else if (c == TYPEFUNC_SCALAR) {
    *value = to_datum(iso, ctx, rv, type_info(resolved), -1, &*isnull);
  } else {
    ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
                    errmsg("function returning record called in context that cannot accept "
                           "type record")));
  }
  MemoryContextSwitchTo(old);
}

}  // namespace plv8c
