// convert.cc — PostgreSQL Datums to JavaScript values, and the per-type conversion cache (plv8's type mapping).
#include "plv8compat.h"

#include <cmath>
#include <unordered_map>

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

Local<v8::String> js_string(Isolate *iso, const char *s, int len) {
  Local<v8::String> out;
  if (!v8::String::NewFromUtf8(iso, s, v8::NewStringType::kNormal, len).ToLocal(&out))
    return v8::String::Empty(iso);
  return out;
}

void js_conversion_failed(Isolate *iso) {
  if (iso->IsExecutionTerminating())
    ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("JavaScript execution was terminated")));
  ereport(ERROR, (errcode(ERRCODE_DATA_EXCEPTION),
                  errmsg("could not convert a JavaScript value: it threw an exception")));
  pg_unreachable();
}

char *js_cstring(Isolate *iso, Local<Context> ctx, Local<Value> v, bool allow_nul) {
  Local<v8::String> s;
  if (!v->ToString(ctx).ToLocal(&s)) js_conversion_failed(iso);
  int len = s->Utf8Length(iso);
  char *buf = static_cast<char *>(palloc(len + 1));
  s->WriteUtf8(iso, buf, len + 1);
  if (!allow_nul && strlen(buf) != static_cast<size_t>(len))
    ereport(ERROR, (errcode(ERRCODE_UNTRANSLATABLE_CHARACTER),
                    errmsg("a JavaScript string with a NUL character (\\u0000) cannot be "
                           "converted to a PostgreSQL value"),
                    errhint("Remove the NUL characters, or return bytea.")));
  return buf;
}

static Kind kind_of(Oid base) {
  switch (base) {
    case BOOLOID: return Kind::Bool;
    case INT2OID: return Kind::Int2;
    case INT4OID: return Kind::Int4;
    case INT8OID: return Kind::Int8;
    case FLOAT4OID: return Kind::Float4;
    case FLOAT8OID: return Kind::Float8;
    case NUMERICOID: return Kind::Numeric;
    case OIDOID: return Kind::Oid;
    case TEXTOID: case VARCHAROID: case BPCHAROID: case NAMEOID: return Kind::Text;
    case JSONOID: return Kind::Json;
    case JSONBOID: return Kind::Jsonb;
    case DATEOID: return Kind::Date;
    case TIMESTAMPOID: return Kind::Timestamp;
    case TIMESTAMPTZOID: return Kind::TimestampTz;
    case BYTEAOID: return Kind::Bytea;
    case VOIDOID: return Kind::Void;
    default: return Kind::Other;
  }
}

TypeInfo *type_info(Oid typid) {
  static auto *cache = new std::unordered_map<Oid, TypeInfo *>();
  static MemoryContext cxt = nullptr;
  auto it = cache->find(typid);
  if (it != cache->end()) return it->second;
  if (cxt == nullptr)
    cxt = AllocSetContextCreate(TopMemoryContext, "plv8 type cache", ALLOCSET_DEFAULT_SIZES);
  TypeInfo *t = static_cast<TypeInfo *>(MemoryContextAllocZero(cxt, sizeof(TypeInfo)));
  t->oid = typid;
  t->base = getBaseType(typid);
  t->kind = kind_of(t->base);
  get_typlenbyvalalign(typid, &t->len, &t->byval, &t->align);
  Oid in, out;
  bool varlena;
  getTypeInputInfo(typid, &in, &t->ioparam);
  getTypeOutputInfo(typid, &out, &varlena);
  fmgr_info_cxt(in, &t->in, cxt);
  fmgr_info_cxt(out, &t->out, cxt);
  if (t->kind == Kind::Other) {
    Oid elem = get_element_type(t->base);
    if (OidIsValid(elem)) {
      t->kind = Kind::Array;
      t->elem = type_info(elem);
    } else if (type_is_rowtype(t->base)) {
      t->kind = Kind::Composite;
    }
  }
  (*cache)[typid] = t;
  return t;
}

static Local<Value> date_from_ms(Isolate *iso, Local<Context> ctx, double ms) {
  Local<Value> d;
  if (!v8::Date::New(ctx, ms).ToLocal(&d)) js_conversion_failed(iso);
  return d;
}

static Local<Value> json_from_text(Isolate *iso, Local<Context> ctx, const char *text) {
  Local<Value> v;
  if (!v8::JSON::Parse(ctx, js_string(iso, text)).ToLocal(&v)) js_conversion_failed(iso);
  return v;
}

static Local<Value> array_dim_to_js(Isolate *iso, Local<Context> ctx, int ndim, const int *dims,
                                    int level, Datum *elems, bool *nulls, int *pos,
                                    TypeInfo *et) {
  Local<Array> a = Array::New(iso, dims[level]);
  for (int i = 0; i < dims[level]; i++) {
    Local<Value> v;
    if (level + 1 < ndim) {
      v = array_dim_to_js(iso, ctx, ndim, dims, level + 1, elems, nulls, pos, et);
    } else {
      v = to_js(iso, ctx, elems[*pos], nulls[*pos], et);
      (*pos)++;
    }
    a->Set(ctx, i, v).IsJust();
  }
  return a;
}

Local<Value> to_js(Isolate *iso, Local<Context> ctx, Datum d, bool isnull, TypeInfo *t) {
  if (isnull) return v8::Null(iso);
  switch (t->kind) {
    case Kind::Bool: return v8::Boolean::New(iso, DatumGetBool(d));
    case Kind::Int2: return v8::Integer::New(iso, DatumGetInt16(d));
    case Kind::Int4: return v8::Integer::New(iso, DatumGetInt32(d));
    case Kind::Oid: return v8::Integer::NewFromUnsigned(iso, DatumGetObjectId(d));
    case Kind::Int8: return v8::BigInt::New(iso, DatumGetInt64(d));
    case Kind::Float4: return v8::Number::New(iso, DatumGetFloat4(d));
    case Kind::Float8: return v8::Number::New(iso, DatumGetFloat8(d));
    case Kind::Numeric:
      return v8::Number::New(
          iso, DatumGetFloat8(DirectFunctionCall1(numeric_float8_no_overflow, d)));
    case Kind::Text: {
      if (t->base == NAMEOID) return js_string(iso, NameStr(*DatumGetName(d)));
      if (t->base == BPCHAROID) break;  // blank-padding rules: use the output function
      text *x = DatumGetTextPP(d);
      return js_string(iso, VARDATA_ANY(x), VARSIZE_ANY_EXHDR(x));
    }
    case Kind::Json:
    case Kind::Jsonb: return json_from_text(iso, ctx, OutputFunctionCall(&t->out, d));
    case Kind::Date: {
      DateADT v = DatumGetDateADT(d);
      if (DATE_NOT_FINITE(v)) return date_from_ms(iso, ctx, NAN);
      return date_from_ms(iso, ctx, (static_cast<double>(v)) * kMsPerDay + kPgEpochMs);
    }
    case Kind::Timestamp:
    case Kind::TimestampTz: {
      int64 us = DatumGetInt64(d);
      if (TIMESTAMP_NOT_FINITE(us)) return date_from_ms(iso, ctx, NAN);
      return date_from_ms(iso, ctx, std::floor(static_cast<double>(us) / 1000.0) + kPgEpochMs);
    }
    case Kind::Bytea: {
      bytea *b = DatumGetByteaPP(d);
      size_t n = VARSIZE_ANY_EXHDR(b);
      Local<v8::ArrayBuffer> ab = v8::ArrayBuffer::New(iso, n);
      if (n > 0) memcpy(ab->GetBackingStore()->Data(), VARDATA_ANY(b), n);
      return v8::Uint8Array::New(ab, 0, n);
    }
    case Kind::Array: {
      ArrayType *arr = DatumGetArrayTypeP(d);
      TypeInfo *et = t->elem;
      Datum *elems;
      bool *nulls;
      int n;
      deconstruct_array(arr, et->oid, et->len, et->byval, et->align, &elems, &nulls, &n);
      int ndim = ARR_NDIM(arr);
      if (ndim == 0 || n == 0) return Array::New(iso, 0);
      int pos = 0;
      return array_dim_to_js(iso, ctx, ndim, ARR_DIMS(arr), 0, elems, nulls, &pos, et);
    }
    case Kind::Composite: {
      HeapTupleHeader h = DatumGetHeapTupleHeader(d);
      TupleDesc desc =
          lookup_rowtype_tupdesc_copy(HeapTupleHeaderGetTypeId(h), HeapTupleHeaderGetTypMod(h));
      HeapTupleData tup;
      tup.t_len = HeapTupleHeaderGetDatumLength(h);
      ItemPointerSetInvalid(&tup.t_self);
      tup.t_tableOid = InvalidOid;
      tup.t_data = h;
      return row_to_js(iso, ctx, &tup, desc);
    }
    case Kind::Void: return v8::Undefined(iso);
    case Kind::Other: break;
  }
  return js_string(iso, OutputFunctionCall(&t->out, d));
}

Local<Object> row_to_js(Isolate *iso, Local<Context> ctx, HeapTuple tup, TupleDesc desc) {
  Local<Object> o = Object::New(iso);
  for (int i = 0; i < desc->natts; i++) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    if (att->attisdropped) continue;
    bool isnull;
    Datum d = heap_getattr(tup, i + 1, desc, &isnull);
    Local<Value> v = to_js(iso, ctx, d, isnull, type_info(att->atttypid));
    o->CreateDataProperty(ctx, js_string(iso, NameStr(att->attname)), v).IsJust();
  }
  return o;
}

void js_to_row(Isolate *iso, Local<Context> ctx, Local<Value> v, TupleDesc desc, Datum *values,
               bool *nulls) {
  if (!v->IsObject() || v->IsArray())
    ereport(ERROR, (errcode(ERRCODE_DATATYPE_MISMATCH),
                    errmsg("a row must be a JavaScript object keyed by column name, got %s",
                           js_cstring(iso, ctx, v, true))));
  Local<Object> o = v.As<Object>();
  Local<Array> keys;
  if (!o->GetOwnPropertyNames(ctx).ToLocal(&keys)) js_conversion_failed(iso);
  for (uint32_t k = 0; k < keys->Length(); k++) {
    Local<Value> key;
    if (!keys->Get(ctx, k).ToLocal(&key)) js_conversion_failed(iso);
    char *name = js_cstring(iso, ctx, key, true);
    bool found = false;
    for (int i = 0; i < desc->natts && !found; i++) {
      Form_pg_attribute att = TupleDescAttr(desc, i);
      found = !att->attisdropped && strcmp(NameStr(att->attname), name) == 0;
    }
    if (!found) {
      StringInfoData cols;
      initStringInfo(&cols);
      for (int i = 0; i < desc->natts; i++) {
        Form_pg_attribute att = TupleDescAttr(desc, i);
        if (att->attisdropped) continue;
        appendStringInfo(&cols, "%s%s", cols.len ? ", " : "", NameStr(att->attname));
      }
      ereport(ERROR, (errcode(ERRCODE_UNDEFINED_COLUMN),
                      errmsg("returned object has a property \"%s\" that is not a column of "
                             "the result row (columns: %s)",
                             name, cols.data)));
    }
  }
  for (int i = 0; i < desc->natts; i++) {
    Form_pg_attribute att = TupleDescAttr(desc, i);
    nulls[i] = true;
    values[i] = (Datum)0;
    if (att->attisdropped) continue;
    Local<Value> fv;
    if (!o->Get(ctx, js_string(iso, NameStr(att->attname))).ToLocal(&fv))
      js_conversion_failed(iso);
    values[i] = to_datum(iso, ctx, fv, type_info(att->atttypid), att->atttypmod, &nulls[i]);
  }
}
}  // namespace plv8c
