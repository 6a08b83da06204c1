//===- RewriteScope.h - Which files of a translation unit are rewritten ---===//
//
// The main file is always rewritten. With a header directory, so is each
// user header that carries [[spice::parallel]] (a written attribute, so the
// decision is the same in every translation unit that includes it) and can
// be mirrored there: written under the path it was included by, where a
// compilation that searches the header directory first finds it instead of
// the original. Parallel functions defined in any other file stay serial and
// get a warning.
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_REWRITESCOPE_H
#define SPICE_REWRITE_REWRITESCOPE_H

#include "Diagnostics.h"

#include "clang/AST/ASTContext.h"
#include "clang/Lex/Preprocessor.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"

#include <memory>
#include <string>
#include <vector>

namespace spice_rewrite {

/// How each file was first included (the inclusion that entered it).
class IncludeTracker {
public:
  struct Inclusion {
    clang::FileID Includer;
    std::string RelativePath; ///< as found under the search directory
    bool RelativeToIncluder = false;
  };
  /// A quoted #include resolved in the includer's own directory.
  struct LocalInclude {
    clang::FileID Includer;
    clang::CharSourceRange FileName; ///< "name", quotes included
    const clang::FileEntry *File = nullptr;
    std::string Path;         ///< the included file as it was opened
    std::string RelativePath; ///< as written, from the includer's directory
  };
  /// Starts recording the inclusions \p PP makes.
  void attach(clang::Preprocessor &PP);
  const Inclusion *find(const clang::FileEntry *File) const;
  const std::vector<LocalInclude> &localIncludes() const { return Local; }

private:
  friend class IncludeRecorder;
  llvm::DenseMap<const clang::FileEntry *, Inclusion> First;
  std::vector<LocalInclude> Local;
};

class RewriteScope {
public:
  explicit RewriteScope(const clang::SourceManager &SM) : SM(SM) {}

  /// Whether \p Loc (its expansion) lies in a file that is rewritten.
  bool contains(clang::SourceLocation Loc) const;
  /// The rewritten file holding \p Loc (its expansion), else invalid.
  clang::FileID fileOf(clang::SourceLocation Loc) const;

  struct Header {
    clang::FileID File;
    std::string Mirror; ///< path under the header directory
  };
  /// The mirror path of a rewritten header, else "".
  std::string mirrorOf(clang::FileID File) const;
  /// The rewritten headers, in the order they were entered.
  const std::vector<Header> &headers() const { return Headers; }
  /// Mirror paths of user headers read but not rewritten (stale copies of
  /// them must go).
  const std::vector<std::string> &plainHeaders() const { return Plain; }

  /// Why a file is not rewritten, for warnings and errors ("" if it is).
  std::string whyNot(clang::SourceLocation Loc) const;

  const clang::SourceManager &SM;

private:
  friend RewriteScope computeRewriteScope(clang::ASTContext &,
                                          const IncludeTracker &, bool,
                                          Diagnoser &);
  llvm::DenseSet<clang::FileID> Files;
  std::vector<Header> Headers;
  std::vector<std::string> Plain;
  llvm::DenseMap<clang::FileID, std::string> Reasons;
  bool HeaderDir = false;
};

/// Decides which files are rewritten (headers only with \p HeaderDir) and
/// warns about parallel functions defined in files that are not.
RewriteScope computeRewriteScope(clang::ASTContext &Ctx,
                                 const IncludeTracker &Includes, bool HeaderDir,
                                 Diagnoser &Diag);

} // namespace spice_rewrite

#endif
