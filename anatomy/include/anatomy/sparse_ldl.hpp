#pragma once
// Sparse LDL^T factorisation of the symmetric positive definite nodal system that each implicit
// step solves. The pattern (the vein network's graph) is fixed, so the ordering and fill-in are
// computed once (greedy minimum degree) and every step only does the numeric work on that pattern.

#include <utility>
#include <vector>

namespace calfpump::anatomy {

/// A fixed-pattern sparse LDL^T solver for small symmetric positive definite systems.
class SparseLdl {
 public:
  /// Computes ordering and fill for n unknowns coupled by the given pairs.
  void analyze(int n, const std::vector<std::pair<int, int>>& couplings);

  /// Zeroes the values (pattern kept).
  void clear();
  /// Adds v to diagonal entry i (original numbering).
  void add_diagonal(int i, double v) { diag_[iperm_[i]] += v; }
  /// Adds v to the symmetric entries (i, j) and (j, i); (i, j) must be one of the analysed pairs.
  void add_offdiagonal(int i, int j, double v);
  /// Factorises in place; false when a pivot is not positive (the matrix is not SPD).
  bool factor();
  /// Solves A x = b in place (original numbering); call after factor().
  void solve(std::vector<double>& b) const;

  /// Number of unknowns.
  int size() const { return n_; }
  /// Non-zeros below the diagonal of L (fill included).
  int factor_nonzeros() const;

 private:
  double& lower(int i, int j) { return dense_[std::size_t(i) * std::size_t(n_) + std::size_t(j)]; }
  double lower(int i, int j) const { return dense_[std::size_t(i) * std::size_t(n_) + std::size_t(j)]; }

  int n_ = 0;
  std::vector<int> perm_;                // new index -> original
  std::vector<int> iperm_;               // original -> new index
  std::vector<std::vector<int>> upper_;  // for column k: rows i > k of L (new numbering)
  std::vector<double> dense_;            // n x n, lower triangle used, pattern entries only
  std::vector<double> diag_;
  mutable std::vector<double> work_;
};

}  // namespace calfpump::anatomy
