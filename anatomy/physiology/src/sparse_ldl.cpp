#include "anatomy/sparse_ldl.hpp"

#include <algorithm>
#include <set>
#include <stdexcept>

namespace calfpump::anatomy {

void SparseLdl::analyze(int n, const std::vector<std::pair<int, int>>& couplings) {
  n_ = n;
  const auto un = std::size_t(n);
  std::vector<std::set<int>> adj(un);
  for (auto [a, b] : couplings) {
    if (a == b) continue;
    adj[std::size_t(a)].insert(b);
    adj[std::size_t(b)].insert(a);
  }
  // greedy minimum degree: eliminate the node with the fewest remaining neighbours (ties by
  // original index, so the ordering is deterministic), joining its neighbours into a clique
  std::vector<bool> done(un, false);
  std::vector<std::vector<int>> neighbours_at_elimination(un);
  perm_.clear();
  for (int step = 0; step < n; ++step) {
    int best = -1;
    std::size_t best_deg = 0;
    for (int v = 0; v < n; ++v) {
      if (done[std::size_t(v)]) continue;
      const std::size_t deg = adj[std::size_t(v)].size();
      if (best < 0 || deg < best_deg) {
        best = v;
        best_deg = deg;
      }
    }
    const auto ub = std::size_t(best);
    done[ub] = true;
    perm_.push_back(best);
    std::vector<int> nb(adj[ub].begin(), adj[ub].end());
    neighbours_at_elimination[ub] = nb;
    for (int a : nb) {
      adj[std::size_t(a)].erase(best);
      for (int b : nb)
        if (a != b) adj[std::size_t(a)].insert(b);
    }
    adj[ub].clear();
  }
  iperm_.assign(un, 0);
  for (int k = 0; k < n; ++k) iperm_[std::size_t(perm_[std::size_t(k)])] = k;

  // compressed columns of L (rows sorted), and a dense slot table used only here
  std::vector<int> table(un * un, -1);
  col_start_.assign(un + 1, 0);
  rows_.clear();
  for (int k = 0; k < n; ++k) {
    std::vector<int> col;
    for (int orig : neighbours_at_elimination[std::size_t(perm_[std::size_t(k)])])
      col.push_back(iperm_[std::size_t(orig)]);
    std::sort(col.begin(), col.end());
    for (int i : col) {
      table[std::size_t(i) * un + std::size_t(k)] = static_cast<int>(rows_.size());
      rows_.push_back(i);
    }
    col_start_[std::size_t(k) + 1] = static_cast<int>(rows_.size());
  }
  // where each elimination update lands: entry (rows[p], rows[q]) lives in column rows[q]
  update_slot_.clear();
  for (int k = 0; k < n; ++k)
    for (int p = col_start_[std::size_t(k)]; p < col_start_[std::size_t(k) + 1]; ++p)
      for (int q = col_start_[std::size_t(k)]; q < p; ++q)
        update_slot_.push_back(table[std::size_t(rows_[std::size_t(p)]) * un + std::size_t(rows_[std::size_t(q)])]);
  vals_.assign(rows_.size(), 0.0);
  diag_.assign(un, 0.0);
  inv_diag_.assign(un, 0.0);
  work_.assign(un, 0.0);
}

int SparseLdl::slot(int i, int j) const {
  int a = iperm_[std::size_t(i)], b = iperm_[std::size_t(j)];
  if (a < b) std::swap(a, b);
  for (int p = col_start_[std::size_t(b)]; p < col_start_[std::size_t(b) + 1]; ++p)
    if (rows_[std::size_t(p)] == a) return p;
  throw std::logic_error("SparseLdl::slot: the pair was not analysed");
}

void SparseLdl::clear() {
  std::fill(vals_.begin(), vals_.end(), 0.0);
  std::fill(diag_.begin(), diag_.end(), 0.0);
}

bool SparseLdl::factor() {
  const int* slots = update_slot_.data();
  double* v = vals_.data();
  for (int k = 0; k < n_; ++k) {
    const double d = diag_[std::size_t(k)];
    if (!(d > 0.0)) return false;
    const double inv = 1.0 / d;  // one division per column; the rest multiply
    inv_diag_[std::size_t(k)] = inv;
    const int begin = col_start_[std::size_t(k)], end = col_start_[std::size_t(k) + 1];
    // right-looking update of the trailing entries that column k touches (fill included)
    for (int p = begin; p < end; ++p) {
      const double aik = v[p];
      const double f = aik * inv;
      diag_[std::size_t(rows_[std::size_t(p)])] -= f * aik;
      for (int q = begin; q < p; ++q) v[*slots++] -= f * v[q];
    }
    for (int p = begin; p < end; ++p) v[p] *= inv;
  }
  return true;
}

void SparseLdl::solve(std::vector<double>& b) const {
  for (int k = 0; k < n_; ++k) work_[std::size_t(k)] = b[std::size_t(perm_[std::size_t(k)])];
  // L y = b
  for (int k = 0; k < n_; ++k) {
    const double yk = work_[std::size_t(k)];
    for (int p = col_start_[std::size_t(k)]; p < col_start_[std::size_t(k) + 1]; ++p)
      work_[std::size_t(rows_[std::size_t(p)])] -= vals_[std::size_t(p)] * yk;
  }
  // D z = y
  for (int k = 0; k < n_; ++k) work_[std::size_t(k)] *= inv_diag_[std::size_t(k)];
  // L^T x = z
  for (int k = n_ - 1; k >= 0; --k) {
    double s = work_[std::size_t(k)];
    for (int p = col_start_[std::size_t(k)]; p < col_start_[std::size_t(k) + 1]; ++p)
      s -= vals_[std::size_t(p)] * work_[std::size_t(rows_[std::size_t(p)])];
    work_[std::size_t(k)] = s;
  }
  for (int k = 0; k < n_; ++k) b[std::size_t(perm_[std::size_t(k)])] = work_[std::size_t(k)];
}

}  // namespace calfpump::anatomy
