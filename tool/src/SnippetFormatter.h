//===- SnippetFormatter.h - clang-format for generated snippets -----------===//
//
// Generated code is formatted on its own with the input's .clang-format (or
// LLVM style), then indented to where it goes. User lines are never touched.
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_SNIPPETFORMATTER_H
#define SPICE_REWRITE_SNIPPETFORMATTER_H

#include "clang/Format/Format.h"
#include "llvm/ADT/StringRef.h"

#include <string>

namespace spice_rewrite {

class SnippetFormatter {
public:
  /// Looks up the style for \p FileName (its .clang-format, else LLVM).
  explicit SnippetFormatter(llvm::StringRef FileName);

  /// Formats \p Code (statements or declarations) and indents every line
  /// but the first with \p Indent. Without a trailing newline.
  std::string format(llvm::StringRef Code, llvm::StringRef Indent) const;

private:
  clang::format::FormatStyle Style;
};

} // namespace spice_rewrite

#endif
