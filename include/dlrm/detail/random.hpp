#pragma once
// A small seeded PRNG (splitmix64) with uniform and normal (Box-Muller) draws, so that
// initialisation is the same on every standard library (std distributions are not).
#include <cmath>
#include <cstdint>

namespace dlrm::detail {

class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) noexcept : state_(seed) {}

  std::uint64_t next() noexcept {
    std::uint64_t z = (state_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }

  // Uniform in [0, 1) with 53 random bits.
  double uniform() noexcept { return static_cast<double>(next() >> 11) * 0x1.0p-53; }

  // Uniform in [lo, hi).
  double uniform(double lo, double hi) noexcept { return lo + (hi - lo) * uniform(); }

  // Standard normal by Box-Muller (one value per call; the pair's sine half is kept).
  double normal() noexcept {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = 1.0 - uniform();  // (0, 1]: log is finite
    const double u2 = uniform();
    const double r = std::sqrt(-2.0 * std::log(u1));
    const double a = 6.283185307179586476925286766559 * u2;
    spare_ = r * std::sin(a);
    has_spare_ = true;
    return r * std::cos(a);
  }

  double normal(double mean, double stddev) noexcept { return mean + stddev * normal(); }

 private:
  std::uint64_t state_;
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// A seed for stream `k` derived from a user seed, so that each tensor has its own stream.
inline std::uint64_t derive_seed(std::uint64_t seed, std::uint64_t k) noexcept {
  SplitMix64 g(seed ^ (0xD1B54A32D192ED03ull * (k + 1)));
  return g.next();
}

}  // namespace dlrm::detail
