// to_datum.cc — JavaScript values to PostgreSQL Datums (returns, rows, statement parameters).
#include "plv8compat.h"

#include <cmath>

extern "C" {
#include "utils/array.h"
#include "utils/date.h"
#include "utils/timestamp.h"
#include "utils/typcache.h"
}

using v8::Array;
using v8::Context;
using v8::Isolate;
using v8::Local;
using v8::Object;
using v8::Value;

namespace plv8c {

// Any type through its text input function: v8::String(value), then the type's input.
static Datum via_text(Isolate *iso, Local<Context> ctx, Local<Value> v, TypeInfo *t,
                      int32 typmod) {
  char *s = js_cstring(iso, ctx, v);
  return InputFunctionCall(&t->in, s, t->ioparam, typmod);
}

static double date_ms(Isolate *iso, Local<Value> v, const char *type) {
  double ms = v.As<v8::Date>()->ValueOf();
  if (std::isnan(ms))
    ereport(ERROR, (errcode(ERRCODE_INVALID_DATETIME_FORMAT),
                    errmsg("an invalid JavaScript Date cannot be converted to %s", type)));
  (void)iso;
  return ms;
}

static Datum bytes_to_bytea(const void *data, size_t n) {
  bytea *b = static_cast<bytea *>(palloc(n + VARHDRSZ));
  SET_VARSIZE(b, n + VARHDRSZ);
  if (n > 0) memcpy(VARDATA(b), data, n);
  return PointerGetDatum(b);
}

static Datum to_bytea(Isolate *iso, Local<Context> ctx, Local<Value> v, TypeInfo *t,
                      int32 typmod) {
  if (v->IsArrayBufferView()) {
    Local<v8::ArrayBufferView> view = v.As<v8::ArrayBufferView>();
    size_t n = view->ByteLength();
    char *buf = static_cast<char *>(palloc(n + 1));
    view->CopyContents(buf, n);
    return bytes_to_bytea(buf, n);
  }
  if (v->IsArrayBuffer()) {
    std::shared_ptr<v8::BackingStore> bs = v.As<v8::ArrayBuffer>()->GetBackingStore();
    return bytes_to_bytea(bs->Data(), bs->ByteLength());
  }
  if (v->IsArray()) {
    Local<Array> a = v.As<Array>();
    uint32_t n = a->Length();
    unsigned char *buf = static_cast<unsigned char *>(palloc(n + 1));
    for (uint32_t i = 0; i < n; i++) {
      Local<Value> e;
      double x;
      if (!a->Get(ctx, i).ToLocal(&e) || !e->NumberValue(ctx).To(&x)) js_conversion_failed(iso);
      if (!(x >= 0 && x <= 255))
        ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                        errmsg("byte array element %u is %g, not a byte (0..255)", i, x)));
      buf[i] = static_cast<unsigned char>(x);
    }
    return bytes_to_bytea(buf, n);
  }
  return via_text(iso, ctx, v, t, typmod);  // '\x…' text
}

static Datum to_array(Isolate *iso, Local<Context> ctx, Local<Value> v, TypeInfo *t,
                      int32 typmod) {
  if (!v->IsArray()) return via_text(iso, ctx, v, t, typmod);  // '{…}' text
  Local<Array> a = v.As<Array>();
  int n = static_cast<int>(a->Length());
  TypeInfo *et = t->elem;
  Datum *elems = static_cast<Datum *>(palloc0(sizeof(Datum) * (n + 1)));
  bool *nulls = static_cast<bool *>(palloc0(sizeof(bool) * (n + 1)));
  for (int i = 0; i < n; i++) {
    Local<Value> e;
    if (!a->Get(ctx, i).ToLocal(&e)) js_conversion_failed(iso);
    elems[i] = to_datum(iso, ctx, e, et, -1, &nulls[i]);
  }
  int dims[1] = {n};
  int lbs[1] = {1};
  return PointerGetDatum(
      construct_md_array(elems, nulls, 1, dims, lbs, et->oid, et->len, et->byval, et->align));
}

static Datum to_composite(Isolate *iso, Local<Context> ctx, Local<Value> v, TypeInfo *t,
                          int32 typmod) {
  if (!v->IsObject() || v->IsArray()) return via_text(iso, ctx, v, t, typmod);  // '(…)' text
  TupleDesc desc = lookup_rowtype_tupdesc_copy(t->base, typmod);
  Datum *values = static_cast<Datum *>(palloc0(sizeof(Datum) * (desc->natts + 1)));
  bool *nulls = static_cast<bool *>(palloc0(sizeof(bool) * (desc->natts + 1)));
  js_to_row(iso, ctx, v, desc, values, nulls);
  desc = BlessTupleDesc(desc);
  return HeapTupleGetDatum(heap_form_tuple(desc, values, nulls));
}

static Datum to_base(Isolate *iso, Local<Context> ctx, Local<Value> v, TypeInfo *t,
                     int32 typmod) {
  switch (t->kind) {
    case Kind::Bool: return BoolGetDatum(v->BooleanValue(iso));
    case Kind::Int2:
    case Kind::Int4:
    case Kind::Oid:
      if (v->IsNumber() || v->IsBoolean() || v->IsBigInt()) {
        double x;
        if (v->IsBigInt()) {
          x = static_cast<double>(v.As<v8::BigInt>()->Int64Value());
        } else if (!v->NumberValue(ctx).To(&x)) {
          js_conversion_failed(iso);
        }
        x = std::trunc(x);
        double lo = t->kind == Kind::Int2 ? PG_INT16_MIN : t->kind == Kind::Int4 ? PG_INT32_MIN : 0;
        double hi = t->kind == Kind::Int2 ? PG_INT16_MAX
                    : t->kind == Kind::Int4 ? PG_INT32_MAX
                                            : PG_UINT32_MAX;
        if (!(x >= lo && x <= hi))
          ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                          errmsg("value %g is out of range for type %s", x,
                                 format_type_be(t->base))));
        if (t->kind == Kind::Int2) return Int16GetDatum(static_cast<int16>(x));
        if (t->kind == Kind::Int4) return Int32GetDatum(static_cast<int32>(x));
        return ObjectIdGetDatum(static_cast<Oid>(x));
      }
      break;
    case Kind::Int8:
      if (v->IsBigInt()) {
        bool lossless;
        int64 x = v.As<v8::BigInt>()->Int64Value(&lossless);
        if (!lossless)
          ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                          errmsg("BigInt value is out of range for type bigint")));
        return Int64GetDatum(x);
      }
      if (v->IsNumber()) {
        double x = std::trunc(v.As<v8::Number>()->Value());
        if (!(x >= -9223372036854775808.0 && x < 9223372036854775808.0))
          ereport(ERROR, (errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
                          errmsg("value %g is out of range for type bigint", x)));
        return Int64GetDatum(static_cast<int64>(x));
      }
      break;
    case Kind::Float4:
    case Kind::Float8:
      if (v->IsNumber() || v->IsBoolean()) {
        double x;
        if (!v->NumberValue(ctx).To(&x)) js_conversion_failed(iso);
        return t->kind == Kind::Float4 ? Float4GetDatum(static_cast<float4>(x))
                                       : Float8GetDatum(x);
      }
      break;
    case Kind::Text:
      if (t->base == TEXTOID) {
        char *s = js_cstring(iso, ctx, v);
        return PointerGetDatum(cstring_to_text(s));
      }
      break;
    case Kind::Json:
    case Kind::Jsonb: {
      Local<v8::String> s;
      if (!v8::JSON::Stringify(ctx, v).ToLocal(&s)) js_conversion_failed(iso);
      return InputFunctionCall(&t->in, js_cstring(iso, ctx, s), t->ioparam, typmod);
    }
    case Kind::Date:
      if (v->IsDate())
        return DateADTGetDatum(
            static_cast<DateADT>(std::floor((date_ms(iso, v, "date") - kPgEpochMs) / kMsPerDay)));
      break;
    case Kind::Timestamp:
    case Kind::TimestampTz:
      if (v->IsDate()) {
        double ms = date_ms(iso, v, "a timestamp");
        return Int64GetDatum(static_cast<int64>((ms - kPgEpochMs) * 1000.0));
      }
      break;
    case Kind::Bytea: return to_bytea(iso, ctx, v, t, typmod);
    case Kind::Array: return to_array(iso, ctx, v, t, typmod);
    case Kind::Composite: return to_composite(iso, ctx, v, t, typmod);
    case Kind::Void: return (Datum)0;
    case Kind::Numeric:
    case Kind::Other: break;
  }
  return via_text(iso, ctx, v, t, typmod);
}

Datum to_datum(Isolate *iso, Local<Context> ctx, Local<Value> v, TypeInfo *t, int32 typmod,
               bool *isnull) {
  *isnull = v->IsNullOrUndefined();
  Datum d = *isnull ? (Datum)0 : to_base(iso, ctx, v, t, typmod);
  if (t->base != t->oid)
    domain_check(d, *isnull, t->oid, &t->domain_extra, TopMemoryContext);
  return d;
}

}  // namespace plv8c
