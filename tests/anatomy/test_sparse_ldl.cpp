// The fixed-pattern sparse LDL^T against a dense Gaussian elimination (independent calculation).

#include <catch2/catch.hpp>

#include <cmath>
#include <random>

#include "anatomy/sparse_ldl.hpp"

using namespace calfpump::anatomy;

namespace {

std::vector<double> dense_solve(std::vector<std::vector<double>> a, std::vector<double> b) {
  const std::size_t n = b.size();
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t piv = k;
    for (std::size_t i = k + 1; i < n; ++i)
      if (std::abs(a[i][k]) > std::abs(a[piv][k])) piv = i;
    std::swap(a[k], a[piv]);
    std::swap(b[k], b[piv]);
    for (std::size_t i = k + 1; i < n; ++i) {
      const double f = a[i][k] / a[k][k];
      for (std::size_t j = k; j < n; ++j) a[i][j] -= f * a[k][j];
      b[i] -= f * b[k];
    }
  }
  std::vector<double> x(n);
  for (std::size_t k = n; k-- > 0;) {
    double s = b[k];
    for (std::size_t j = k + 1; j < n; ++j) s -= a[k][j] * x[j];
    x[k] = s / a[k][k];
  }
  return x;
}

}  // namespace

TEST_CASE("sparse LDL^T solves a weighted graph Laplacian plus diagonal like dense elimination", "[solver]") {
  std::mt19937 rng(7);
  std::uniform_real_distribution<double> u(0.1, 10.0);
  const int n = 40;
  // a tree with a few extra loops, like the vein network
  std::vector<std::pair<int, int>> pairs;
  for (int i = 1; i < n; ++i) pairs.emplace_back(i, static_cast<int>(rng() % static_cast<unsigned>(i)));
  for (int k = 0; k < 6; ++k) pairs.emplace_back(static_cast<int>(rng() % n), static_cast<int>(rng() % n));
  SparseLdl s;
  std::vector<std::pair<int, int>> clean;
  for (auto p : pairs)
    if (p.first != p.second) clean.push_back(p);
  s.analyze(n, clean);
  std::vector<std::vector<double>> a(n, std::vector<double>(n, 0.0));
  s.clear();
  for (auto [i, j] : clean) {
    const double g = u(rng);
    a[std::size_t(i)][std::size_t(i)] += g;
    a[std::size_t(j)][std::size_t(j)] += g;
    a[std::size_t(i)][std::size_t(j)] -= g;
    a[std::size_t(j)][std::size_t(i)] -= g;
    s.add_diagonal(i, g);
    s.add_diagonal(j, g);
    s.add_at(s.slot(i, j), -g);
  }
  std::vector<double> b(n);
  for (int i = 0; i < n; ++i) {
    const double d = u(rng) * 1e-3;
    a[std::size_t(i)][std::size_t(i)] += d;
    s.add_diagonal(i, d);
    b[std::size_t(i)] = u(rng) - 5.0;
  }
  const std::vector<double> expected = dense_solve(a, b);
  REQUIRE(s.factor());
  s.solve(b);
  for (int i = 0; i < n; ++i) CHECK(b[std::size_t(i)] == Approx(expected[std::size_t(i)]).epsilon(1e-9));
}

TEST_CASE("sparse LDL^T reports a matrix that is not positive definite", "[solver]") {
  SparseLdl s;
  s.analyze(2, {{0, 1}});
  s.clear();
  s.add_diagonal(0, 1.0);
  s.add_diagonal(1, 1.0);
  s.add_at(s.slot(0, 1), -2.0);
  CHECK_FALSE(s.factor());
  CHECK_THROWS(s.slot(0, 0));
}
