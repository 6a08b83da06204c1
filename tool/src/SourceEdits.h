//===- SourceEdits.h - Edits of one file's text, with #line directives ----===//
//
// Our own edit list instead of clang::Rewriter or tooling::Replacements:
// generated text for a statement must include the edits made inside it
// (calls of parallel functions in spawn arguments), several insertions at
// one offset must keep a defined order, and every edit that adds lines is
// followed by a #line directive so the user's later lines keep their numbers.
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_SOURCEEDITS_H
#define SPICE_REWRITE_SOURCEEDITS_H

#include "llvm/ADT/StringRef.h"

#include <optional>
#include <string>
#include <vector>

namespace spice_rewrite {

/// Where an insertion goes relative to others at the same offset.
enum class InsertOrder {
  Close = 0, ///< closes something that ends here
  Normal = 1,
  Open = 2, ///< opens something that starts here
};

class SourceEdits {
public:
  explicit SourceEdits(llvm::StringRef Original) : Original(Original) {}

  void insert(unsigned Offset, std::string Text,
              InsertOrder Order = InsertOrder::Normal);
  void replace(unsigned Begin, unsigned End, std::string Text);

  /// The text of [Begin, End) with the edits strictly inside it applied; those
  /// edits are removed (the caller replaces the whole range).
  std::string takeText(unsigned Begin, unsigned End);

  /// The text of [Begin, End) with the edits strictly inside it applied,
  /// which stay (for a copy of the range).
  std::string textWithEdits(unsigned Begin, unsigned End) const;

  /// The original text of [Begin, End).
  llvm::StringRef original(unsigned Begin, unsigned End) const {
    return Original.slice(Begin, End);
  }

  bool empty() const { return Edits.empty(); }

  /// Where two edits overlap (a bug of the tool: apply() would lose one),
  /// if they do anywhere, counting those merged by takeText().
  std::optional<unsigned> overlap() const;

  /// Applies every edit. With \p FileName non-empty, starts the output with a
  /// #line directive and brackets each multi-line edit with #line directives.
  std::string apply(llvm::StringRef FileName) const;

  /// 1-based line of an offset in the original text.
  unsigned lineOf(unsigned Offset) const;
  /// The whitespace that starts the line containing \p Offset.
  std::string indentationAt(unsigned Offset) const;

private:
  struct Edit {
    unsigned Begin, End;
    std::string Text;
    InsertOrder Order;
    unsigned Seq;
  };
  llvm::StringRef Original;
  std::vector<Edit> Edits;
  unsigned NextSeq = 0;
  std::optional<unsigned> TakenOverlap;
};

/// A local edit of a copied piece of text (offsets relative to the piece).
struct TextEdit {
  unsigned Begin, End;
  std::string Text;
};

/// Applies non-overlapping edits to \p Text. An edit that overlaps an
/// earlier one is skipped and its offset stored in \p OverlapAt.
std::string applyTextEdits(llvm::StringRef Text, std::vector<TextEdit> Edits,
                           std::optional<unsigned> *OverlapAt = nullptr);

/// The text as one line: runs of whitespace become one space.
std::string collapseWhitespace(llvm::StringRef Text);

} // namespace spice_rewrite

#endif
