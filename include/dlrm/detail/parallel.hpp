#pragma once
// Static work splitting over OpenMP threads. Chunk boundaries depend only on the work
// size and the thread count, never on scheduling, so results are reproducible for a
// given thread count. Compiles (serially) without -fopenmp.
#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>

#if defined(_OPENMP)
#include <omp.h>
#endif

namespace dlrm::detail {

// The [begin, end) range of part `part` out of `parts`, boundaries rounded to `grain`.
inline void split_range(std::size_t n, int parts, int part, std::size_t grain,
                        std::size_t& begin, std::size_t& end) noexcept {
  if (grain == 0) grain = 1;
  const std::size_t blocks = (n + grain - 1) / grain;
  const std::size_t p = static_cast<std::size_t>(parts);
  const std::size_t q = static_cast<std::size_t>(part);
  const std::size_t b0 = blocks * q / p, b1 = blocks * (q + 1) / p;
  begin = std::min(n, b0 * grain);
  end = std::min(n, b1 * grain);
}

// Calls fn(begin, end) on `threads` contiguous chunks of [0, n), in parallel when OpenMP
// is available and the work is large enough to be worth it (n >= 2 * grain).
template <class Fn>
inline void parallel_for(std::size_t n, int threads, std::size_t grain, Fn&& fn) {
  if (n == 0) return;
  int parts = std::max(1, threads);
  if (grain == 0) grain = 1;
  const std::size_t max_parts = (n + grain - 1) / grain;
  if (static_cast<std::size_t>(parts) > max_parts) parts = static_cast<int>(max_parts);
#if defined(_OPENMP)
  if (parts > 1 && !omp_in_parallel()) {
#pragma omp parallel num_threads(parts)
    {
      std::size_t b = 0, e = 0;
      split_range(n, parts, omp_get_thread_num(), grain, b, e);
      if (b < e) fn(b, e);
    }
    return;
  }
#endif
  fn(std::size_t{0}, n);
}

// Calls fn(i) for each i in [0, n): item i always runs in the same chunk for a given
// thread count.
template <class Fn>
inline void parallel_each(std::size_t n, int threads, Fn&& fn) {
  parallel_for(n, threads, 1, [&](std::size_t b, std::size_t e) {
    for (std::size_t i = b; i < e; ++i) fn(i);
  });
}

// One member of a team running the same function: which part of the work it owns and a
// barrier that all members must reach. A whole training step runs as one team with a
// single barrier, so that an oversubscribed machine pays for two synchronisations a step
// rather than dozens.
struct Team {
  int part = 0;
  int parts = 1;
  void barrier() const {
#if defined(_OPENMP)
    if (parts > 1) {
#pragma omp barrier
    }
#endif
  }
  // This member's [begin, end) share of n items, boundaries rounded to grain.
  void share(std::size_t n, std::size_t grain, std::size_t& begin, std::size_t& end) const {
    split_range(n, parts, part, grain, begin, end);
  }
};

// Runs fn(const Team&) on `threads` members (fewer if OpenMP is absent or the caller is
// already inside a parallel region). fn must not throw.
template <class Fn>
inline void run_team(int threads, Fn&& fn) {
#if defined(_OPENMP)
  if (threads > 1 && !omp_in_parallel()) {
#pragma omp parallel num_threads(threads)
    {
      Team t;
      t.part = omp_get_thread_num();
      t.parts = omp_get_num_threads();
      fn(static_cast<const Team&>(t));
    }
    return;
  }
#endif
  (void)threads;
  fn(Team{});
}

// A fixed set of chunks handed out first come, first served. Which thread runs a chunk
// does not change what the chunk computes, so results depend only on the chunk count;
// but a thread the OS has not scheduled yet holds nobody up: the others take its chunks.
class ChunkQueue {
 public:
  explicit ChunkQueue(int chunks) noexcept : chunks_(chunks) {}
  int chunks() const noexcept { return chunks_; }
  // The next chunk index, or -1 when all are taken.
  int take() noexcept {
    const int c = next_.fetch_add(1, std::memory_order_relaxed);
    return c < chunks_ ? c : -1;
  }
  void finished() noexcept { done_.fetch_add(1, std::memory_order_release); }
  // Returns once every chunk has finished (their writes are then visible here).
  void wait_all() const noexcept {
    while (done_.load(std::memory_order_acquire) < chunks_) std::this_thread::yield();
  }

 private:
  int chunks_;
  std::atomic<int> next_{0};
  std::atomic<int> done_{0};
};

}  // namespace dlrm::detail
