#pragma once
// Sparse LDL^T factorisation of the symmetric positive definite nodal system that each implicit
// step solves. The pattern (the vein network's graph) is fixed, so the ordering (greedy minimum
// degree), the fill-in and the position of every update are computed once; each step then runs
// flat loops over compact arrays with no search and no allocation.

#include <utility>
#include <vector>

namespace calfpump::anatomy {

/// A fixed-pattern sparse LDL^T solver for small symmetric positive definite systems.
class SparseLdl {
 public:
  /// Computes ordering and fill for n unknowns coupled by the given pairs.
  void analyze(int n, const std::vector<std::pair<int, int>>& couplings);

  /// Storage slot of the off-diagonal entry coupling i and j (original numbering); the pair must
  /// be one of the analysed couplings.
  int slot(int i, int j) const;

  /// Zeroes all values.
  void clear();
  /// Adds v to diagonal entry i (original numbering).
  void add_diagonal(int i, double v) { diag_[std::size_t(iperm_[std::size_t(i)])] += v; }
  /// Adds v to the symmetric off-diagonal entry stored in a slot.
  void add_at(int slot, double v) { vals_[std::size_t(slot)] += v; }
  /// Copies the values (not the pattern) of another solver with the same analysis.
  void copy_values(const SparseLdl& other) {
    vals_ = other.vals_;
    diag_ = other.diag_;
  }
  /// Factorises in place; false when a pivot is not positive (the matrix is not SPD).
  bool factor();
  /// Solves A x = b in place (original numbering); call after factor().
  void solve(std::vector<double>& b) const;

  /// Number of unknowns.
  int size() const { return n_; }
  /// Non-zeros below the diagonal of L (fill included).
  int factor_nonzeros() const { return static_cast<int>(rows_.size()); }

 private:
  int n_ = 0;
  std::vector<int> perm_;          // new index -> original
  std::vector<int> iperm_;         // original -> new index
  std::vector<int> col_start_;     // column k of L: entries [col_start_[k], col_start_[k + 1])
  std::vector<int> rows_;          // row (new numbering, > k) of each entry
  std::vector<int> update_slot_;   // target slot of each (p, q) update, in factor() order
  std::vector<double> vals_;       // entries of A below the diagonal, then of L after factor()
  std::vector<double> diag_;
  std::vector<double> inv_diag_;   // 1 / D, set by factor()
  mutable std::vector<double> work_;
};

}  // namespace calfpump::anatomy
