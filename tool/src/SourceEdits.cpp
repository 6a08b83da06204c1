//===- SourceEdits.cpp - Edits of one file's text, with #line directives --===//
#include "SourceEdits.h"

#include "llvm/ADT/SmallVector.h"

#include <algorithm>
#include <cassert>

namespace spice_rewrite {

void SourceEdits::insert(unsigned Offset, std::string Text, InsertOrder Order) {
  Edits.push_back({Offset, Offset, std::move(Text), Order, NextSeq++});
}

void SourceEdits::replace(unsigned Begin, unsigned End, std::string Text) {
  Edits.push_back(
      {Begin, End, std::move(Text), InsertOrder::Normal, NextSeq++});
}

namespace {
bool strictlyInside(unsigned EditBegin, unsigned EditEnd, unsigned Begin,
                    unsigned End) {
  return EditBegin == EditEnd ? (EditBegin > Begin && EditBegin < End)
                              : (EditBegin >= Begin && EditEnd <= End);
}
} // namespace

std::string SourceEdits::takeText(unsigned Begin, unsigned End) {
  std::vector<TextEdit> Inner;
  std::vector<Edit> Kept;
  for (Edit &E : Edits) {
    if (strictlyInside(E.Begin, E.End, Begin, End))
      Inner.push_back({E.Begin - Begin, E.End - Begin, std::move(E.Text)});
    else
      Kept.push_back(std::move(E));
  }
  Edits = std::move(Kept);
  std::optional<unsigned> Overlap;
  std::string Text =
      applyTextEdits(Original.slice(Begin, End), std::move(Inner), &Overlap);
  if (Overlap && !TakenOverlap)
    TakenOverlap = Begin + *Overlap;
  return Text;
}

std::string SourceEdits::textWithEdits(unsigned Begin, unsigned End) const {
  std::vector<TextEdit> Inner;
  for (const Edit &E : Edits)
    if (strictlyInside(E.Begin, E.End, Begin, End))
      Inner.push_back({E.Begin - Begin, E.End - Begin, E.Text});
  // An overlap inside is reported by overlap() when the range is applied.
  return applyTextEdits(Original.slice(Begin, End), std::move(Inner));
}

std::optional<unsigned> SourceEdits::overlap() const {
  if (TakenOverlap)
    return TakenOverlap;
  // The order apply() uses; an edit starting inside a replacement before it
  // overlaps (insertions at a replacement's end do not).
  std::vector<const Edit *> Sorted;
  for (const Edit &E : Edits)
    Sorted.push_back(&E);
  std::stable_sort(
      Sorted.begin(), Sorted.end(), [](const Edit *A, const Edit *B) {
        return A->Begin < B->Begin || (A->Begin == B->Begin && A->End < B->End);
      });
  unsigned Pos = 0;
  for (const Edit *E : Sorted) {
    if (E->Begin < Pos)
      return E->Begin;
    Pos = std::max(Pos, E->End);
  }
  return std::nullopt;
}

unsigned SourceEdits::lineOf(unsigned Offset) const {
  return 1 + Original.take_front(Offset).count('\n');
}

std::string SourceEdits::indentationAt(unsigned Offset) const {
  size_t LineStart = Original.take_front(Offset).rfind('\n');
  LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
  size_t I = LineStart;
  while (I < Original.size() && (Original[I] == ' ' || Original[I] == '\t'))
    ++I;
  return Original.slice(LineStart, I).str();
}

static std::string lineDirective(unsigned Line, llvm::StringRef FileName) {
  std::string Out = "#line " + std::to_string(Line) + " \"";
  for (char C : FileName) {
    if (C == '\\' || C == '"')
      Out += '\\';
    Out += C;
  }
  return Out + "\"";
}

std::string SourceEdits::apply(llvm::StringRef FileName) const {
  std::vector<const Edit *> Sorted;
  for (const Edit &E : Edits)
    Sorted.push_back(&E);
  std::stable_sort(Sorted.begin(), Sorted.end(),
                   [](const Edit *A, const Edit *B) {
                     if (A->Begin != B->Begin)
                       return A->Begin < B->Begin;
                     // Insertions before a replacement starting there.
                     bool AInsert = A->Begin == A->End;
                     bool BInsert = B->Begin == B->End;
                     if (AInsert != BInsert)
                       return AInsert;
                     if (A->Order != B->Order)
                       return A->Order < B->Order;
                     return A->Seq < B->Seq;
                   });
  bool Lines = !FileName.empty();
  std::string Out;
  if (Lines)
    Out += lineDirective(1, FileName) + "\n";
  unsigned Pos = 0;
  for (const Edit *E : Sorted) {
    assert(E->Begin >= Pos && "overlapping edits");
    if (E->Begin < Pos)
      continue;
    Out += Original.slice(Pos, E->Begin);
    Pos = E->End;
    llvm::StringRef Text = E->Text;
    if (!Lines || !Text.contains('\n')) {
      Out += Text;
      continue;
    }
    // Lines of generated text count as the line they were generated for;
    // the user's text that follows keeps its own line number.
    size_t FirstBreak = Text.find('\n');
    Out += Text.take_front(FirstBreak + 1);
    // A whitespace-only last line is the indentation of the user text that
    // follows; it goes after the directive.
    llvm::StringRef Body = Text.drop_front(FirstBreak + 1);
    llvm::StringRef Tail;
    size_t LastBreak = Body.rfind('\n');
    llvm::StringRef LastLine = LastBreak == llvm::StringRef::npos
                                   ? Body
                                   : Body.drop_front(LastBreak + 1);
    if (LastLine.trim().empty()) {
      Tail = LastLine;
      Body = Body.drop_back(LastLine.size());
    }
    if (!Body.trim().empty()) {
      // Every generated line counts as the line of the construct it
      // replaces: after one directive, its later lines would count as the
      // next user lines. Except where a line break may lie inside a comment,
      // raw string or line continuation copied from the user: a directive
      // there would change the text.
      bool EachLine = !Body.contains("/*") && !Body.contains("R\"") &&
                      !Body.contains("\\\n");
      std::string Directive = lineDirective(lineOf(E->Begin), FileName);
      llvm::SmallVector<llvm::StringRef, 16> BodyLines;
      Body.rtrim('\n').split(BodyLines, '\n');
      for (size_t I = 0; I < BodyLines.size(); ++I) {
        if (I == 0 || EachLine)
          Out += Directive + "\n";
        Out += BodyLines[I].str() + "\n";
      }
    }
    llvm::StringRef Rest = Original.drop_front(E->End);
    Rest = Rest.take_until([](char C) { return C == '\n'; });
    // Nothing but blanks left on the user's line (and no edit there): drop
    // them and continue with the next line, numbered as in the source.
    unsigned LineEnd = E->End + Rest.size();
    bool NextEditOnLine = false;
    for (const Edit *Other : Sorted)
      if (Other != E && Other->Begin >= E->End && Other->Begin <= LineEnd)
        NextEditOnLine = true;
    if (Tail.empty() && Rest.trim().empty() && !NextEditOnLine &&
        LineEnd < Original.size()) {
      Out += lineDirective(lineOf(E->End) + 1, FileName) + "\n";
      Pos = LineEnd + 1;
      continue;
    }
    Out += lineDirective(lineOf(E->End), FileName) + "\n";
    Out += Tail;
    // Keep the rest of the user's line at its column.
    if (Tail.empty() && !Rest.trim().empty()) {
      size_t LineStart = Original.take_front(E->End).rfind('\n');
      LineStart = LineStart == llvm::StringRef::npos ? 0 : LineStart + 1;
      Out += std::string(E->End - LineStart, ' ');
    }
  }
  Out += Original.drop_front(Pos);
  return Out;
}

std::string applyTextEdits(llvm::StringRef Text, std::vector<TextEdit> Edits,
                           std::optional<unsigned> *OverlapAt) {
  std::stable_sort(
      Edits.begin(), Edits.end(),
      [](const TextEdit &A, const TextEdit &B) { return A.Begin < B.Begin; });
  std::string Out;
  unsigned Pos = 0;
  for (const TextEdit &E : Edits) {
    if (E.Begin < Pos) {
      if (OverlapAt && !*OverlapAt)
        *OverlapAt = E.Begin;
      continue;
    }
    Out += Text.slice(Pos, E.Begin);
    Out += E.Text;
    Pos = E.End;
  }
  Out += Text.drop_front(Pos);
  return Out;
}

std::string collapseWhitespace(llvm::StringRef Text) {
  std::string Out;
  bool Space = false;
  for (char C : Text) {
    if (C == ' ' || C == '\t' || C == '\n' || C == '\r') {
      Space = true;
      continue;
    }
    if (Space && !Out.empty())
      Out += ' ';
    Space = false;
    Out += C;
  }
  return Out;
}

} // namespace spice_rewrite
