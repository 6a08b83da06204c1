//===- RewriteAction.h - The frontend action that rewrites one file -------===//
#ifndef SPICE_REWRITE_REWRITEACTION_H
#define SPICE_REWRITE_REWRITEACTION_H

#include "clang/Tooling/Tooling.h"

#include <string>
#include <vector>

namespace spice_rewrite {

/// What rewriting one main file produced.
struct FileResult {
  bool Done = false;  ///< parsed, checked and rewritten without error
  std::string Output; ///< the rewritten text (or the input unchanged)
  std::vector<std::string> Dependencies; ///< every file read
};

/// Creates the actions ClangTool runs; keeps the result of the last file.
class RewriteActionFactory : public clang::tooling::FrontendActionFactory {
public:
  explicit RewriteActionFactory(bool LineDirectives)
      : LineDirectives(LineDirectives) {}
  std::unique_ptr<clang::FrontendAction> create() override;

  FileResult Result;
  bool LineDirectives;
};

} // namespace spice_rewrite

#endif
