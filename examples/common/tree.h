// A perfectly balanced binary tree of integers, built as in Spice's
// benchmark: one heap allocation per node, values from..to in order.
#ifndef SPICE_EXAMPLES_TREE_H
#define SPICE_EXAMPLES_TREE_H

#include <cstdint>
#include <memory>
#include <vector>

namespace tree {

struct Node {
  std::int64_t val;
  Node *left = nullptr;
  Node *right = nullptr;
};

/// Owns the nodes of one tree.
class Tree {
public:
  /// Builds the balanced tree of the values 1..count.
  explicit Tree(std::int64_t count) {
    nodes_.reserve(static_cast<std::size_t>(count));
    root_ = build(1, count);
  }
  Node *root() const { return root_; }
  /// The sum of 1..count, to check results against.
  std::int64_t expected_sum() const {
    std::int64_t n = static_cast<std::int64_t>(nodes_.size());
    return n * (n + 1) / 2;
  }

private:
  Node *build(std::int64_t from, std::int64_t to) {
    if (from > to)
      return nullptr;
    nodes_.push_back(std::make_unique<Node>());
    Node *node = nodes_.back().get();
    node->val = from + (to - from) / 2;
    node->left = build(from, node->val - 1);
    node->right = build(node->val + 1, to);
    return node;
  }
  std::vector<std::unique_ptr<Node>> nodes_;
  Node *root_;
};

/// The plain serial sum: the baseline every parallel version is held to.
inline std::int64_t sum_serial(const Node *node) {
  std::int64_t res = node->val;
  if (node->left)
    res += sum_serial(node->left);
  if (node->right)
    res += sum_serial(node->right);
  return res;
}

} // namespace tree

#endif // SPICE_EXAMPLES_TREE_H
