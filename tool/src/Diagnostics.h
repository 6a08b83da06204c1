//===- Diagnostics.h - Errors of spice-rewrite through Clang's engine -----===//
//
// Every rejection goes through the translation unit's DiagnosticsEngine, so
// it is printed like a compiler error (file:line:col, source line, caret).
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_DIAGNOSTICS_H
#define SPICE_REWRITE_DIAGNOSTICS_H

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticIDs.h"

namespace spice_rewrite {

class Diagnoser {
public:
  explicit Diagnoser(clang::DiagnosticsEngine &Diags) : Diags(Diags) {}

  template <unsigned N>
  clang::DiagnosticBuilder error(clang::SourceLocation Loc,
                                 const char (&Format)[N]) {
    return report(clang::DiagnosticsEngine::Error, Loc, Format);
  }
  template <unsigned N>
  clang::DiagnosticBuilder note(clang::SourceLocation Loc,
                                const char (&Format)[N]) {
    return report(clang::DiagnosticsEngine::Note, Loc, Format);
  }
  template <unsigned N>
  clang::DiagnosticBuilder warning(clang::SourceLocation Loc,
                                   const char (&Format)[N]) {
    return report(clang::DiagnosticsEngine::Warning, Loc, Format);
  }

  bool hasErrors() const { return Diags.hasErrorOccurred(); }

private:
  clang::DiagnosticBuilder report(clang::DiagnosticsEngine::Level Level,
                                  clang::SourceLocation Loc,
                                  llvm::StringRef Format) {
    unsigned ID = Diags.getDiagnosticIDs()->getCustomDiagID(
        static_cast<clang::DiagnosticIDs::Level>(Level), Format);
    return Diags.Report(Loc, ID);
  }

  clang::DiagnosticsEngine &Diags;
};

} // namespace spice_rewrite

#endif
