#include "anatomy/sparse_ldl.hpp"

#include <algorithm>
#include <set>

namespace calfpump::anatomy {

void SparseLdl::analyze(int n, const std::vector<std::pair<int, int>>& couplings) {
  n_ = n;
  const auto un = std::size_t(n);
  std::vector<std::set<int>> adj(un);
  for (auto [a, b] : couplings) {
    if (a == b) continue;
    adj[a].insert(b);
    adj[b].insert(a);
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
      if (done[v]) continue;
      const std::size_t deg = adj[v].size();
      if (best < 0 || deg < best_deg) { best = v; best_deg = deg; }
    }
    const int ub = best;
    done[ub] = true;
    perm_.push_back(best);
    std::vector<int> nb(adj[ub].begin(), adj[ub].end());
    neighbours_at_elimination[ub] = nb;
    for (int a : nb) {
      adj[a].erase(best);
      for (int b : nb)
        if (a != b) adj[a].insert(b);
    }
    adj[ub].clear();
  }
  iperm_.assign(un, 0);
  for (int k = 0; k < n; ++k) iperm_[perm_[k]] = k;
  upper_.assign(un, {});
  for (int k = 0; k < n; ++k) {
    auto& col = upper_[k];
    for (int orig : neighbours_at_elimination[perm_[k]])
      col.push_back(iperm_[orig]);
    std::sort(col.begin(), col.end());
  }
  dense_.assign(un * un, 0.0);
  diag_.assign(un, 0.0);
  work_.assign(un, 0.0);
}

void SparseLdl::clear() {
  for (int k = 0; k < n_; ++k)
    for (int i : upper_[k]) lower(i, k) = 0.0;
  std::fill(diag_.begin(), diag_.end(), 0.0);
}

void SparseLdl::add_offdiagonal(int i, int j, double v) {
  int a = iperm_[i], b = iperm_[j];
  if (a < b) std::swap(a, b);
  lower(a, b) += v;
}

bool SparseLdl::factor() {
  for (int k = 0; k < n_; ++k) {
    const double d = diag_[k];
    if (!(d > 0.0)) return false;
    const auto& col = upper_[k];
    // right-looking update of the trailing rows that column k touches (fill positions included)
    for (std::size_t p = 0; p < col.size(); ++p) {
      const int i = col[p];
      const double aik = lower(i, k);
      if (aik == 0.0) continue;
      const double f = aik / d;
      diag_[i] -= f * aik;
      for (std::size_t q = 0; q < p; ++q) {
        const int j = col[q];
        lower(i, j) -= f * lower(j, k);
      }
    }
    for (int i : col) lower(i, k) /= d;
  }
  return true;
}

void SparseLdl::solve(std::vector<double>& b) const {
  for (int k = 0; k < n_; ++k) work_[k] = b[perm_[k]];
  // L y = b
  for (int k = 0; k < n_; ++k) {
    const double yk = work_[k];
    if (yk == 0.0) continue;
    for (int i : upper_[k]) work_[i] -= lower(i, k) * yk;
  }
  // D z = y
  for (int k = 0; k < n_; ++k) work_[k] /= diag_[k];
  // L^T x = z
  for (int k = n_ - 1; k >= 0; --k) {
    double s = work_[k];
    for (int i : upper_[k]) s -= lower(i, k) * work_[i];
    work_[k] = s;
  }
  for (int k = 0; k < n_; ++k) b[perm_[k]] = work_[k];
}

int SparseLdl::factor_nonzeros() const {
  int nz = 0;
  for (const auto& c : upper_) nz += static_cast<int>(c.size());
  return nz;
}

}  // namespace calfpump::anatomy
