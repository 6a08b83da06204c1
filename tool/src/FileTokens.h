//===- FileTokens.h - The raw tokens of one file, comments included -------===//
//
// The emitter asks for the token before or after a place, or the bracket
// that closes another, instead of reading characters: comments, line breaks
// and blanks anywhere between tokens then do not matter. Each file is lexed
// once, in raw mode (the spelling as written, before macro expansion).
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_FILETOKENS_H
#define SPICE_REWRITE_FILETOKENS_H

#include "clang/Basic/LangOptions.h"
#include "clang/Basic/SourceManager.h"
#include "clang/Basic/TokenKinds.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <vector>

namespace spice_rewrite {

class FileTokens {
public:
  struct Token {
    clang::tok::TokenKind Kind;
    unsigned Begin, End; // file offsets
    bool is(clang::tok::TokenKind K) const { return Kind == K; }
    bool isComment() const { return Kind == clang::tok::comment; }
  };

  FileTokens(const clang::SourceManager &SM, clang::FileID File,
             const clang::LangOptions &LangOpts);

  clang::FileID file() const { return File; }
  /// The text of a token as written.
  llvm::StringRef text(const Token &T) const {
    return Buffer.slice(T.Begin, T.End);
  }
  /// Whether \p T is the identifier or keyword \p Word.
  bool isWord(const Token *T, llvm::StringRef Word) const {
    return T && T->is(clang::tok::raw_identifier) && text(*T) == Word;
  }

  /// The token that contains \p Offset (nullptr between tokens).
  const Token *containing(unsigned Offset) const;
  /// The first token that begins at or after \p Offset.
  const Token *next(unsigned Offset, bool Comments = false) const;
  /// The last token that ends at or before \p Offset.
  const Token *previous(unsigned Offset, bool Comments = false) const;
  /// The token after / before \p T.
  const Token *after(const Token *T, bool Comments = false) const;
  const Token *before(const Token *T, bool Comments = false) const;
  /// The bracket that closes the '(', '[' or '{' \p Open (nullptr when the
  /// brackets of the file do not balance).
  const Token *closing(const Token *Open) const;
  /// The tokens that begin in [Begin, End).
  llvm::ArrayRef<Token> between(unsigned Begin, unsigned End) const;
  /// The line of an offset (1-based).
  unsigned line(unsigned Offset) const;

private:
  const clang::SourceManager &SM;
  clang::FileID File;
  llvm::StringRef Buffer;
  std::vector<Token> Tokens;
};

} // namespace spice_rewrite

#endif
