//===- FileTokens.cpp - The raw tokens of one file, comments included -----===//
#include "FileTokens.h"

#include "clang/Lex/Lexer.h"

#include <algorithm>

using namespace clang;

namespace spice_rewrite {

FileTokens::FileTokens(const SourceManager &SM, FileID File,
                       const LangOptions &LangOpts)
    : SM(SM), File(File), Buffer(SM.getBufferData(File)) {
  Lexer Lex(SM.getLocForStartOfFile(File), LangOpts, Buffer.begin(),
            Buffer.begin(), Buffer.end());
  Lex.SetCommentRetentionState(true);
  clang::Token T;
  while (true) {
    Lex.LexFromRawLexer(T);
    if (T.is(tok::eof))
      break;
    unsigned Begin = SM.getFileOffset(T.getLocation());
    Tokens.push_back({T.getKind(), Begin, Begin + T.getLength()});
  }
}

const FileTokens::Token *FileTokens::containing(unsigned Offset) const {
  // The last token that begins at or before Offset.
  auto It =
      std::upper_bound(Tokens.begin(), Tokens.end(), Offset,
                       [](unsigned O, const Token &T) { return O < T.Begin; });
  if (It == Tokens.begin())
    return nullptr;
  --It;
  return Offset < It->End ? &*It : nullptr;
}

const FileTokens::Token *FileTokens::next(unsigned Offset,
                                          bool Comments) const {
  auto It =
      std::lower_bound(Tokens.begin(), Tokens.end(), Offset,
                       [](const Token &T, unsigned O) { return T.Begin < O; });
  for (; It != Tokens.end(); ++It)
    if (Comments || !It->isComment())
      return &*It;
  return nullptr;
}

const FileTokens::Token *FileTokens::previous(unsigned Offset,
                                              bool Comments) const {
  // Tokens do not overlap: the ones ending at or before Offset come first.
  auto It =
      std::upper_bound(Tokens.begin(), Tokens.end(), Offset,
                       [](unsigned O, const Token &T) { return O < T.End; });
  while (It != Tokens.begin()) {
    --It;
    if (Comments || !It->isComment())
      return &*It;
  }
  return nullptr;
}

const FileTokens::Token *FileTokens::after(const Token *T,
                                           bool Comments) const {
  for (const Token *I = T + 1; I < Tokens.data() + Tokens.size(); ++I)
    if (Comments || !I->isComment())
      return I;
  return nullptr;
}

const FileTokens::Token *FileTokens::before(const Token *T,
                                            bool Comments) const {
  for (const Token *I = T; I-- > Tokens.data();)
    if (Comments || !I->isComment())
      return I;
  return nullptr;
}

const FileTokens::Token *FileTokens::closing(const Token *Open) const {
  tok::TokenKind Close;
  if (Open->is(tok::l_paren))
    Close = tok::r_paren;
  else if (Open->is(tok::l_square))
    Close = tok::r_square;
  else if (Open->is(tok::l_brace))
    Close = tok::r_brace;
  else
    return nullptr;
  int Depth = 0;
  for (const Token *I = Open; I < Tokens.data() + Tokens.size(); ++I) {
    if (I->is(Open->Kind))
      ++Depth;
    else if (I->is(Close) && --Depth == 0)
      return I;
  }
  return nullptr;
}

llvm::ArrayRef<FileTokens::Token> FileTokens::between(unsigned Begin,
                                                      unsigned End) const {
  auto Less = [](const Token &T, unsigned O) { return T.Begin < O; };
  auto First = std::lower_bound(Tokens.begin(), Tokens.end(), Begin, Less);
  auto Last = std::lower_bound(First, Tokens.end(), End, Less);
  return llvm::ArrayRef<Token>(Tokens).slice(First - Tokens.begin(),
                                             Last - First);
}

unsigned FileTokens::line(unsigned Offset) const {
  return SM.getLineNumber(File, Offset);
}

} // namespace spice_rewrite
