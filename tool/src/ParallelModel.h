//===- ParallelModel.h - What the finder records about a parallel body ----===//
//
// The finder fills these records from the AST; the analysis classifies and
// checks them; the emitter turns them into text. Statements are identified
// by their AST nodes; "frames" record where a point sits in the nesting of
// blocks and loops, which is all the sync placement needs.
//
//===----------------------------------------------------------------------===//
#ifndef SPICE_REWRITE_PARALLELMODEL_H
#define SPICE_REWRITE_PARALLELMODEL_H

#include "clang/AST/Decl.h"
#include "clang/AST/Expr.h"
#include "clang/AST/Stmt.h"
#include "clang/AST/StmtCXX.h"
#include "clang/AST/Type.h"
#include "llvm/ADT/DenseMap.h"

#include <string>
#include <vector>

namespace spice_rewrite {

/// One level of nesting around a point of the body.
struct Frame {
  enum Kind { Block, Loop, Switch };
  Kind FrameKind = Block;
  /// The block (Block frames only).
  const clang::CompoundStmt *Compound = nullptr;
  /// Index of the child of Compound that contains the point.
  unsigned Index = 0;
};
using FrameStack = std::vector<Frame>;

/// How a spawn stores its result.
enum class SpawnForm {
  Declaration, ///< T x = spawn(...);
  Assignment,  ///< lvalue = spawn(...);
  Statement,   ///< spawn(...);  (result discarded)
};

/// What a spawn calls.
enum class CalleeKind {
  Function,      ///< a named function (or template specialization)
  MemberCall,    ///< one-call form obj.f(args), p->f(args), f(args) in a member
  MemberPointer, ///< spawn(&C::f, obj, args...) or a pointer-to-member value
  Callable,      ///< a lambda, function object or function pointer
};

/// How a spawn argument is kept from the spawn until the call.
enum class CaptureMode {
  ByValue,     ///< copied (or moved from a temporary) at the spawn
  ByReference, ///< the same object as in the serial call
  ByXValue,    ///< the same object, passed on as an xvalue (std::move(x))
};

struct SpawnArg {
  const clang::Expr *E = nullptr;
  CaptureMode Mode = CaptureMode::ByValue;
};

struct SpawnSite {
  const clang::Stmt *S = nullptr;         ///< the whole statement
  const clang::CallExpr *Spawn = nullptr; ///< the spice::spawn call
  SpawnForm Form = SpawnForm::Statement;
  const clang::VarDecl *Var = nullptr;     ///< Declaration form
  const clang::Expr *Dest = nullptr;       ///< Assignment form: the lvalue
  const clang::VarDecl *DestVar = nullptr; ///< Dest when it names a variable

  CalleeKind Callee = CalleeKind::Function;
  /// Function: the name as written; MemberPointer: the member pointer;
  /// Callable: the callable; MemberCall: the member expression.
  const clang::Expr *CalleeExpr = nullptr;
  /// The called function when known (null for unknown callables).
  const clang::FunctionDecl *CalleeDecl = nullptr;
  /// Set when the callee is a parallel function with a parallel version.
  bool CallsParallel = false;
  /// MemberCall / MemberPointer: the object (null: implicit this).
  const clang::Expr *Object = nullptr;
  bool ObjectIsPointer = false;
  CaptureMode ObjectMode = CaptureMode::ByReference;
  CaptureMode CalleeMode = CaptureMode::ByValue;
  /// The callee's prototype when only its type is known (callables).
  const clang::FunctionProtoType *CalleeProto = nullptr;
  std::vector<SpawnArg> Args;

  FrameStack Frames;    ///< nesting at the spawn
  bool InBlock = false; ///< the statement is a direct child of Frames.back()

  // Filled by the analysis.
  bool Local = false;     ///< future declared at the spawn (fast path)
  bool KeepResult = true; ///< the result is stored somewhere
  /// Local form: nothing between the spawn and its join can throw, so its
  /// handle needs no unwinding cleanup (ThrowAnalysis).
  bool NothrowUntilJoin = false;
  std::string Id; ///< X in spice_call_X / spice_fut_X
  /// Declaration of a type that cannot be default-constructed (or
  /// assigned): the result waits in std::optional spice_res_X, and the
  /// variable is declared at BindAt (a sync or return after the spawn in its
  /// block), or never when nothing after the spawn names it.
  bool Deferred = false;
  const clang::Stmt *BindAt = nullptr;
};

/// What a sync point or the end of a block joins: decided by the analysis,
/// written by the emitter.
struct JoinPlan {
  /// Local futures still running there, in spawn order (joined in reverse).
  std::vector<const SpawnSite *> Futures;
  /// Sync the spawn group (it may hold calls).
  bool Group = false;
  bool empty() const { return Futures.empty() && !Group; }
};

/// A point where outstanding spawns must be joined.
struct SyncPoint {
  enum Kind { Sync, Return, Break, Continue };
  Kind PointKind = Sync;
  const clang::Stmt *S = nullptr;
  FrameStack Frames;
  bool InBlock = false;
  JoinPlan Join; ///< filled by the analysis
};

/// A block whose end (reached by falling off it) joins something.
struct BlockEnd {
  const clang::CompoundStmt *Block = nullptr;
  bool IsBody = false; ///< the function's body
  JoinPlan Join;
};

/// A call of a parallel function that becomes a call of its parallel version.
struct ParallelCall {
  const clang::Expr *Call = nullptr;
  const clang::FunctionDecl *Callee = nullptr;
  clang::SourceLocation NameLoc;   ///< the callee's name token
  clang::SourceLocation CalleeEnd; ///< last token before the '('
  bool HasArgs = false;
};

/// A call of spice::parallel_for / spice::parallel_reduce in a rewritten
/// file.
struct LoopCall {
  const clang::CallExpr *Call = nullptr;
  bool Reduce = false;
  /// In parallel code (a parallel function's body or a loop-body lambda),
  /// where spice_task is in scope: the call gets the scheduler context.
  bool InParallel = false;
  /// The DeclRefExpr or UnresolvedLookupExpr that names the callee.
  const clang::Expr *Callee = nullptr;
  /// The body when it is a lambda written in place (it becomes parallel
  /// code), else null.
  const clang::LambdaExpr *Body = nullptr;
};

struct GotoSite {
  const clang::Stmt *S = nullptr; ///< GotoStmt or IndirectGotoStmt
  const clang::LabelDecl *Target = nullptr;
};

/// Everything about one [[spice::parallel]] function definition.
struct ParallelFunction {
  const clang::FunctionDecl *FD = nullptr;
  std::vector<SpawnSite> Spawns;
  std::vector<SyncPoint> Points;
  std::vector<ParallelCall> Calls;
  std::vector<const clang::CXXCatchStmt *> Catches;
  std::vector<const clang::CompoundStmt *> Blocks; ///< all blocks, not lambdas
  std::vector<GotoSite> Gotos;
  std::vector<const clang::LabelStmt *> Labels;
  /// spawn/sync calls in a position the language does not allow.
  std::vector<const clang::CallExpr *> Misplaced;
  /// Spawns whose callee is not one of the accepted forms, with the reason.
  std::vector<std::pair<const clang::Expr *, std::string>> BadSpawns;
  std::vector<const clang::CallExpr *> JumpCalls; ///< setjmp / longjmp
  std::vector<const clang::Stmt *> CoroutineSites;
  /// The block and index of each local variable's declaration statement.
  llvm::DenseMap<const clang::VarDecl *,
                 std::pair<const clang::CompoundStmt *, unsigned>>
      VarBlocks;
  /// The range of each range-for loop variable.
  llvm::DenseMap<const clang::VarDecl *, const clang::Expr *> RangeInits;
  /// Set by the analysis: every spawn goes to one spice::SpawnGroup.
  bool UsesGroup = false;
  /// Blocks whose exits must sync the group (they hold a kept result).
  std::vector<const clang::CompoundStmt *> GroupSyncBlocks;
  /// Set by the analysis: the blocks whose end joins, in Blocks order.
  std::vector<BlockEnd> BlockEnds;
};

} // namespace spice_rewrite

#endif
