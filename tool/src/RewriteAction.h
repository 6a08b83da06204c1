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
  struct Header {
    std::string Mirror;   ///< path under the header directory
    std::string Original; ///< the header it was made from
    std::string Text;
  };
  std::vector<Header> Headers; ///< rewritten headers
  /// Paths under the header directory of user headers read that are not
  /// rewritten (a copy left there from an earlier run is stale).
  std::vector<std::string> PlainHeaders;
};

/// Creates the actions ClangTool runs; keeps the result of the last file.
class RewriteActionFactory : public clang::tooling::FrontendActionFactory {
public:
  RewriteActionFactory(bool LineDirectives, bool RewriteHeaders)
      : LineDirectives(LineDirectives), RewriteHeaders(RewriteHeaders) {}
  std::unique_ptr<clang::FrontendAction> create() override;

  FileResult Result;
  bool LineDirectives;
  bool RewriteHeaders; ///< rewrite user headers too (--header-dir)
};

} // namespace spice_rewrite

#endif
