//===- ParallelAttribute.h - [[spice::parallel]] and spice:: names -------===//
//
// Recognizing what the source language marks: functions carrying
// [[spice::parallel]] and calls of spice::spawn / spice::sync.
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_PARALLELATTRIBUTE_H
#define SPICE_REWRITE_PARALLELATTRIBUTE_H

namespace clang {
class AnnotateAttr;
class CallExpr;
class Decl;
class FunctionDecl;
} // namespace clang

namespace spice_rewrite {

/// The annotation attached to declarations that carry [[spice::parallel]].
inline constexpr const char *ParallelAnnotation = "spice::parallel";

/// The attribute as written on this very declaration, or null.
const clang::AnnotateAttr *getParallelAttr(const clang::Decl *D);

/// True if any declaration of \p FD (or of the template or member it was
/// instantiated from) carries [[spice::parallel]].
bool isParallelFunction(const clang::FunctionDecl *FD);

enum class SpiceCallKind { None, Spawn, Sync };

/// Whether \p Call calls spice::spawn or spice::sync (also through a using
/// declaration or directive, and unresolved inside templates).
SpiceCallKind classifySpiceCall(const clang::CallExpr *Call);

enum class LoopKind { None, For, Reduce };

/// Whether \p FD is (a specialization of) the function template
/// spice::parallel_for or spice::parallel_reduce.
LoopKind classifyLoopFunction(const clang::FunctionDecl *FD);

/// Whether \p Call calls spice::parallel_for or spice::parallel_reduce
/// (resolved by declaration, as classifySpiceCall).
LoopKind classifyLoopCall(const clang::CallExpr *Call);

/// "spice::parallel_for" or "spice::parallel_reduce".
const char *loopName(LoopKind Kind);

} // namespace spice_rewrite

#endif
