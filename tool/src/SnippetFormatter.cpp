//===- SnippetFormatter.cpp - clang-format for generated snippets ---------===//
#include "SnippetFormatter.h"

#include "clang/Tooling/Core/Replacement.h"
#include "llvm/Support/Error.h"

namespace spice_rewrite {

SnippetFormatter::SnippetFormatter(llvm::StringRef FileName)
    : Style(clang::format::getLLVMStyle()) {
  llvm::Expected<clang::format::FormatStyle> Found =
      clang::format::getStyle("file", FileName, "LLVM");
  if (Found)
    Style = *Found;
  else
    llvm::consumeError(Found.takeError());
  Style.Language = clang::format::FormatStyle::LK_Cpp;
  // Comments we generate are short; keep user-provided sorting off.
  Style.SortIncludes = clang::format::FormatStyle::SI_Never;
}

std::string SnippetFormatter::format(llvm::StringRef Code,
                                     llvm::StringRef Indent) const {
  clang::format::FormatStyle S = Style;
  unsigned Width = Indent.size();
  if (S.ColumnLimit > Width + 40)
    S.ColumnLimit -= Width;
  std::vector<clang::tooling::Range> Ranges{
      clang::tooling::Range(0, Code.size())};
  clang::tooling::Replacements Fixes =
      clang::format::reformat(S, Code, Ranges, "<spice-snippet>.cpp");
  llvm::Expected<std::string> Formatted =
      clang::tooling::applyAllReplacements(Code, Fixes);
  std::string Text;
  if (Formatted) {
    Text = *Formatted;
  } else {
    llvm::consumeError(Formatted.takeError());
    Text = Code.str();
  }
  llvm::StringRef Trimmed = llvm::StringRef(Text).rtrim("\n");
  std::string Out;
  bool First = true;
  while (!Trimmed.empty() || First) {
    auto [Line, Rest] = Trimmed.split('\n');
    if (!First)
      Out += "\n" + (Line.empty() ? std::string() : Indent.str());
    Out += Line;
    First = false;
    Trimmed = Rest;
    if (Rest.empty())
      break;
  }
  return Out;
}

} // namespace spice_rewrite
