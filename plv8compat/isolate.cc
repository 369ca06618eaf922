// isolate.cc — the backend's V8 isolate, per-role contexts, the interrupt watchdog and heap limits.
#include "plv8compat.h"

#include <libplatform/libplatform.h>
#include <pthread.h>
#include <signal.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <unordered_map>

extern "C" {
#include "storage/proc.h"
}

using v8::Context;
using v8::Global;
using v8::Isolate;
using v8::Local;
using v8::MaybeLocal;

namespace plv8c {

static Isolate *the_isolate = nullptr;
static size_t heap_limit_bytes = 0;
static volatile bool heap_limit_hit = false;
// Never destroyed: a static destructor at process exit would race the watchdog thread.
static auto *contexts = new std::unordered_map<Oid, Global<Context>>();

// The watchdog: while JavaScript itself runs (not PostgreSQL code called from it), it turns a
// query cancel / backend termination that has been pending for kStopGraceMs into
// TerminateExecution (the only thread-safe V8 call), so busy loops stop too. Real plv8 does
// not do this; the grace lets a cancel that arrives between two SQL calls be raised by the
// next one, catchable, as on real plv8.
static std::mutex *wd_mutex = new std::mutex();
static std::condition_variable *wd_cv = new std::condition_variable();
static int js_depth = 0;           // guarded by wd_mutex
static bool in_pg = false;         // guarded by wd_mutex: PostgreSQL code runs for JavaScript
static bool wd_requested = false;  // guarded by wd_mutex: the watchdog asked V8 to terminate

static bool interrupt_wanted() {
  return (QueryCancelPending || ProcDiePending) && InterruptHoldoffCount == 0 &&
         QueryCancelHoldoffCount == 0 && CritSectionCount == 0;
}

static void watchdog_main() {
  using Clock = std::chrono::steady_clock;
  std::unique_lock<std::mutex> lock(*wd_mutex);
  bool pending = false;
  Clock::time_point since;
  for (;;) {
    if (js_depth == 0) {
      pending = false;
      wd_cv->wait(lock);
      continue;
    }
    wd_cv->wait_for(lock, std::chrono::milliseconds(10));
    if (js_depth == 0 || !interrupt_wanted()) {
      pending = false;
      continue;
    }
    Clock::time_point now = Clock::now();
    if (!pending) {
      pending = true;
      since = now;
    }
    if (!in_pg && !wd_requested && now - since >= std::chrono::milliseconds(kStopGraceMs)) {
      wd_requested = true;
      the_isolate->TerminateExecution();
    }
  }
}

InPostgres::InPostgres() {
  std::lock_guard<std::mutex> lock(*wd_mutex);
  prev_ = in_pg;
  in_pg = true;
  if (wd_requested) {
    // V8 has not acted on the request yet (JavaScript called straight into us): withdraw it.
    // The cancel is still pending and PostgreSQL raises it as an ordinary error, which
    // JavaScript may catch, like on real plv8. (A heap-limit stop is not the watchdog's.)
    wd_requested = false;
    if (!heap_limit_hit) the_isolate->CancelTerminateExecution();
  }
}

InPostgres::~InPostgres() {
  std::lock_guard<std::mutex> lock(*wd_mutex);
  in_pg = prev_;
}

JsEntry::JsEntry(Isolate *iso) : iso_(iso) {
  std::lock_guard<std::mutex> lock(*wd_mutex);
  prev_in_pg_ = in_pg;
  in_pg = false;
  if (js_depth++ == 0) {
    // A fresh outermost call: nothing left over from an earlier one may stop it.
    heap_limit_hit = false;
    wd_requested = false;
    wd_cv->notify_one();
  }
}

void JsEntry::leave() {
  if (left_) return;
  left_ = true;
  std::lock_guard<std::mutex> lock(*wd_mutex);
  in_pg = prev_in_pg_;
  // Leaving the outermost call: a termination asked for is now moot (the caller checks
  // interrupts from plain C). Leaving a nested call (back into PostgreSQL code called by
  // JavaScript): a watchdog request V8 has not acted on is withdrawn, or it would stop the
  // outer JavaScript as soon as it resumes, before it could catch the cancel PostgreSQL
  // raises meanwhile.
  bool outermost = --js_depth == 0;
  if (outermost || (wd_requested && !heap_limit_hit)) iso_->CancelTerminateExecution();
  if (outermost || wd_requested) wd_requested = false;
}

JsEntry::~JsEntry() { leave(); }

static size_t near_heap_limit(void *, size_t current, size_t) {
  heap_limit_hit = true;
  the_isolate->TerminateExecution();
  return current + current / 2;  // room to unwind; restored after the call
}

static void on_oom(const char *location, bool is_heap) {
  ereport(FATAL, (errcode(ERRCODE_OUT_OF_MEMORY),
                  errmsg("JavaScript ran out of memory (%s%s)", location ? location : "V8",
                         is_heap ? ", heap" : "")));
}

static void on_fatal(const char *location, const char *message) {
  ereport(FATAL, (errcode(ERRCODE_INTERNAL_ERROR),
                  errmsg("fatal V8 error in %s: %s", location ? location : "V8",
                         message ? message : "unknown")));
}

Isolate *runtime() {
  if (the_isolate != nullptr) return the_isolate;
  // Threads started here (V8 workers, the watchdog) must never take PostgreSQL's signals.
  sigset_t all, old;
  sigfillset(&all);
  pthread_sigmask(SIG_BLOCK, &all, &old);
  static v8::Platform *platform = nullptr;
  if (platform == nullptr) {
    platform = v8::platform::NewDefaultPlatform(2).release();
    v8::V8::InitializePlatform(platform);
    v8::V8::Initialize();
  }
  heap_limit_bytes = static_cast<size_t>(memory_limit_mb) * 1024 * 1024;
  Isolate::CreateParams params;
  params.array_buffer_allocator = v8::ArrayBuffer::Allocator::NewDefaultAllocator();
  params.constraints.ConfigureDefaultsFromHeapSize(0, heap_limit_bytes);
  Isolate *iso = Isolate::New(params);
  iso->AddNearHeapLimitCallback(near_heap_limit, nullptr);
  iso->SetOOMErrorHandler(on_oom);
  iso->SetFatalErrorHandler(on_fatal);
  the_isolate = iso;
  std::thread(watchdog_main).detach();
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  return iso;
}

MaybeLocal<Context> role_context(Isolate *iso, Oid role) {
  auto it = contexts->find(role);
  if (it != contexts->end()) return Local<Context>::New(iso, it->second);
  Local<Context> ctx = Context::New(iso);
  if (ctx.IsEmpty()) return MaybeLocal<Context>();
  install_api(iso, ctx);
  (*contexts)[role].Reset(iso, ctx);
  return ctx;
}

bool stop_pending() { return heap_limit_hit; }

Stop take_termination(Isolate *iso) {
  {
    std::lock_guard<std::mutex> lock(*wd_mutex);
    wd_requested = false;
    iso->CancelTerminateExecution();
  }
  if (heap_limit_hit) {
    heap_limit_hit = false;
    iso->RemoveNearHeapLimitCallback(near_heap_limit, heap_limit_bytes);
    iso->AddNearHeapLimitCallback(near_heap_limit, nullptr);
    iso->LowMemoryNotification();
    return Stop::HeapLimit;
  }
  return Stop::Interrupt;
}

void raise_for_stop(Stop why) {
  if (why == Stop::HeapLimit)
    ereport(ERROR, (errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
                    errmsg("JavaScript heap limit reached (plv8.memory_limit = %d MB); the "
                           "script was stopped",
                           memory_limit_mb),
                    errhint("Use less memory in JavaScript, or raise plv8.memory_limit (it "
                            "applies to new sessions).")));
  // The watchdog stopped JavaScript for a pending cancel / termination: PostgreSQL raises it.
  CHECK_FOR_INTERRUPTS();
  ereport(ERROR, (errcode(ERRCODE_QUERY_CANCELED), errmsg("JavaScript execution was terminated")));
}

}  // namespace plv8c
