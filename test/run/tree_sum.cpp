// Member functions: a non-static member spawned through a member pointer
// and in the one-call form, a static member, an out-of-line definition, and
// assignment spawns into members.
// RUN: %run-spice %t %s | FileCheck %s
#include <spice/spice.h>

#include <cstdio>
#include <memory>
#include <vector>

struct Node {
  long value;
  Node *left = nullptr;
  Node *right = nullptr;
};

class Tree {
public:
  explicit Tree(int depth) { root_ = build(depth, 1); }

  [[spice::parallel]] long sum(const Node *node) const;

  [[spice::parallel]] long sum_one_call(const Node *node) const {
    if (!node)
      return 0;
    long left = spice::spawn(sum_one_call(node->left));
    long right = sum_one_call(node->right);
    spice::sync();
    return node->value + left + right;
  }

  [[spice::parallel]] static long count(const Node *node) {
    if (!node)
      return 0;
    long l;
    l = spice::spawn(count, node->left);
    long r = count(node->right);
    spice::sync();
    return 1 + l + r;
  }

  const Node *root() const { return root_; }

private:
  Node *build(int depth, long value) {
    if (depth == 0)
      return nullptr;
    nodes_.push_back(std::make_unique<Node>());
    Node *n = nodes_.back().get();
    n->value = value;
    n->left = build(depth - 1, 2 * value);
    n->right = build(depth - 1, 2 * value + 1);
    return n;
  }
  Node *root_;
  std::vector<std::unique_ptr<Node>> nodes_;
};

long Tree::sum(const Node *node) const {
  if (!node)
    return 0;
  long left = spice::spawn(&Tree::sum, this, node->left);
  long right = sum(node->right);
  spice::sync();
  return node->value + left + right;
}

int main() {
  Tree tree(20);
  std::printf("sum %ld\n", tree.sum(tree.root()));
  std::printf("one-call %ld\n", tree.sum_one_call(tree.root()));
  std::printf("count %ld\n", Tree::count(tree.root()));
}
// CHECK: sum 549755289600
// CHECK-NEXT: one-call 549755289600
// CHECK-NEXT: count 1048575
