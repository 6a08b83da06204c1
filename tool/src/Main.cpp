//===- Main.cpp - spice-rewrite command line ------------------------------===//
//
//   spice-rewrite [options] <source>... [-- <compiler args>]
//
// Rewrites the [[spice::parallel]] functions of each source into code that
// calls the spice runtime. Nothing is written unless every source rewrote
// cleanly; files are replaced atomically.
//
//===----------------------------------------------------------------------===//
#include "Output.h"
#include "RewriteAction.h"

#include "clang/Basic/Diagnostic.h"
#include "clang/Basic/DiagnosticOptions.h"
#include "clang/Frontend/TextDiagnosticPrinter.h"
#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CommonOptionsParser.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <optional>

using namespace llvm;
using namespace clang::tooling;

namespace {
/// Prints diagnostics as clang does and counts the errors. ClangTool reports
/// success when only the driver failed (an unknown argument after `--`): the
/// parse goes on without the flag. Such a run must fail like a compiler would.
class CountingPrinter : public clang::TextDiagnosticPrinter {
public:
  CountingPrinter()
      : TextDiagnosticPrinter(llvm::errs(), new clang::DiagnosticOptions()) {}
  void HandleDiagnostic(clang::DiagnosticsEngine::Level Level,
                        const clang::Diagnostic &Info) override {
    if (Level >= clang::DiagnosticsEngine::Error)
      ++Errors;
    TextDiagnosticPrinter::HandleDiagnostic(Level, Info);
  }
  unsigned Errors = 0;
};
} // namespace

namespace {

cl::OptionCategory Category("spice-rewrite options");

// The source list, -p, --extra-arg and --extra-arg-before come from
// CommonOptionsParser, as in clang-tidy.
cl::opt<std::string> OutputFile("o",
                                cl::desc("Write the output to <file> "
                                         "(one source only)"),
                                cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string>
    OutputDir("output-dir",
              cl::desc("Write each output to <dir>/<source file name>"),
              cl::value_desc("dir"), cl::cat(Category));
cl::opt<bool> InPlace("in-place", cl::desc("Replace each source atomically"),
                      cl::cat(Category));
cl::opt<std::string>
    DepFile("depfile",
            cl::desc("Write a Makefile rule listing every file read"),
            cl::value_desc("file"), cl::cat(Category));
cl::opt<std::string> HeaderDir(
    "header-dir",
    cl::desc("Also rewrite the user headers that carry [[spice::parallel]], "
             "into <dir> under the path they were included by; compile with "
             "<dir> first on the include path (-iquote <dir> -I <dir>)"),
    cl::value_desc("dir"), cl::cat(Category));
cl::opt<bool> NoLineDirectives(
    "no-line-directives",
    cl::desc("Do not emit #line directives pointing at the source"),
    cl::cat(Category));
cl::opt<std::string> ResourceDir(
    "clang-resource-dir",
    cl::desc("Clang resource directory (builtin headers) to parse with"),
    cl::init(SPICE_CLANG_RESOURCE_DIR), cl::cat(Category));

void printVersion(raw_ostream &OS) {
  OS << "spice-rewrite version " << SPICE_VERSION << " (LLVM "
     << LLVM_VERSION_STRING << ")\n";
}

void error(const Twine &Message) {
  errs() << "spice-rewrite: error: " << Message << "\n";
}

/// The spice headers: installed next to the tool, else the source tree.
std::string spiceIncludeDir(const char *Argv0) {
  std::string Exe = sys::fs::getMainExecutable(
      Argv0, reinterpret_cast<void *>(&spiceIncludeDir));
  SmallString<256> Installed(
      sys::path::parent_path(sys::path::parent_path(Exe)));
  sys::path::append(Installed, "include", "spice", "spice.h");
  if (sys::fs::exists(Installed))
    return sys::path::parent_path(sys::path::parent_path(Installed)).str();
  return SPICE_SOURCE_INCLUDE_DIR;
}

/// Rejects what is not C++ source text before Clang sees it, with a
/// clang-style location.
bool checkInput(StringRef Path) {
  if (!sys::fs::exists(Path)) {
    errs() << Path << ": error: no such file or directory\n";
    return false;
  }
  if (sys::fs::is_directory(Path)) {
    errs() << Path << ": error: is a directory, not a source file\n";
    return false;
  }
  ErrorOr<std::unique_ptr<MemoryBuffer>> Buffer = MemoryBuffer::getFile(Path);
  if (!Buffer) {
    errs() << Path
           << ": error: cannot read file: " << Buffer.getError().message()
           << "\n";
    return false;
  }
  StringRef Text = (*Buffer)->getBuffer();
  if (Text.empty()) {
    errs() << Path << ":1:1: error: empty source file: nothing to rewrite\n";
    return false;
  }
  size_t Nul = Text.find('\0');
  if (Nul != StringRef::npos) {
    StringRef Before = Text.take_front(Nul);
    size_t LineStart = Before.rfind('\n');
    unsigned Line = 1 + Before.count('\n');
    unsigned Col = Nul - (LineStart == StringRef::npos ? 0 : LineStart + 1) + 1;
    errs() << Path << ":" << Line << ":" << Col
           << ": error: source file contains a NUL byte: not C++ source "
              "text\n";
    return false;
  }
  return true;
}

/// Whether two paths name the same existing directory.
bool sameDirectory(StringRef A, StringRef B) {
  sys::fs::UniqueID IA, IB;
  return !sys::fs::getUniqueID(A, IA) && !sys::fs::getUniqueID(B, IB) &&
         IA == IB;
}

/// Drops -I/-iquote/-isystem/-idirafter entries naming \p Dir: the tool
/// must parse the original headers, never its own copies of them.
CommandLineArguments dropIncludeDir(const CommandLineArguments &Args,
                                    StringRef Dir) {
  static const char *const Flags[] = {"-I", "-iquote", "-isystem",
                                      "-idirafter"};
  CommandLineArguments Out;
  for (size_t I = 0; I < Args.size(); ++I) {
    StringRef A = Args[I];
    bool Drop = false;
    for (StringRef F : Flags) {
      if (A == F && I + 1 < Args.size() && sameDirectory(Args[I + 1], Dir)) {
        ++I;
        Drop = true;
      } else if (A.size() > F.size() && A.starts_with(F) &&
                 sameDirectory(A.drop_front(F.size()), Dir)) {
        Drop = true;
      }
      if (Drop)
        break;
    }
    if (!Drop)
      Out.push_back(Args[I]);
  }
  return Out;
}

/// Writes \p Content to \p Path unless the file already holds exactly it
/// (an unchanged copy keeps its time stamp: nothing rebuilds).
std::string writeIfChanged(StringRef Path, StringRef Content) {
  if (ErrorOr<std::unique_ptr<MemoryBuffer>> Old = MemoryBuffer::getFile(Path))
    if ((*Old)->getBuffer() == Content)
      return "";
  if (std::error_code EC =
          sys::fs::create_directories(sys::path::parent_path(Path)))
    return "cannot create the directory of '" + Path.str() +
           "': " + EC.message();
  return spice_rewrite::writeFileAtomically(Path, Content);
}

bool hasArg(const CommandLineArguments &Args, StringRef Prefix) {
  for (const std::string &A : Args)
    if (StringRef(A).starts_with(Prefix))
      return true;
  return false;
}

/// What the command line says about compilation databases before "--":
/// whether there is a "--" (compiler arguments follow) and the -p value.
struct DatabaseArgs {
  bool DashDash = false;
  std::optional<std::string> BuildPath;
};

DatabaseArgs scanDatabaseArgs(int Argc, const char **Argv) {
  DatabaseArgs Out;
  for (int I = 1; I < Argc; ++I) {
    StringRef A = Argv[I];
    if (A == "--") {
      Out.DashDash = true;
      break;
    }
    if ((A == "-p" || A == "--p") && I + 1 < Argc)
      Out.BuildPath = Argv[++I];
    else if (A.consume_front("-p=") || A.consume_front("--p="))
      Out.BuildPath = A.str();
  }
  return Out;
}

} // namespace

int main(int argc, const char **argv) {
  cl::SetVersionPrinter(printVersion);
  // @file arguments, as compilers take them (spice_rewrite() passes a
  // target's options that way); expanded before `--` splits the line.
  BumpPtrAllocator Alloc;
  SmallVector<const char *, 64> Expanded(argv, argv + argc);
  if (Error E = cl::ExpansionContext(Alloc, cl::TokenizeGNUCommandLine)
                    .expandResponseFiles(Expanded)) {
    error(toString(std::move(E)));
    return 2;
  }
  argc = static_cast<int>(Expanded.size());
  argv = Expanded.data();
  // Without "--" or -p, parse as C++17 (clang-tidy would look for a
  // compile_commands.json next to the source, and complain without one).
  // A -p without a database is an error, not a parse without flags.
  DatabaseArgs DBArgs = scanDatabaseArgs(argc, argv);
  std::vector<const char *> Args(argv, argv + argc);
  if (!DBArgs.DashDash && !DBArgs.BuildPath) {
    Args.push_back("--");
    Args.push_back("-std=c++17");
  } else if (!DBArgs.DashDash) {
    std::string Error;
    if (!CompilationDatabase::autoDetectFromDirectory(*DBArgs.BuildPath,
                                                      Error)) {
      error("cannot load the compilation database: " + Error);
      return 2;
    }
  }
  int ArgCount = static_cast<int>(Args.size());
  Expected<CommonOptionsParser> Parsed = CommonOptionsParser::create(
      ArgCount, Args.data(), Category, cl::ZeroOrMore,
      "spice-rewrite: rewrites [[spice::parallel]] functions into calls "
      "of the spice heartbeat-scheduling runtime.\n\n"
      "Output goes to stdout unless -o, --output-dir or --in-place is "
      "given.\nCompiler arguments come after '--', or from a "
      "compile_commands.json (-p); default: -std=c++17.\n");
  if (!Parsed) {
    errs() << toString(Parsed.takeError());
    return 2;
  }
  const std::vector<std::string> &Sources = Parsed->getSourcePathList();
  if (Sources.empty()) {
    error("no input files (see --help)");
    return 2;
  }
  int Modes = !OutputFile.empty() + !OutputDir.empty() + InPlace;
  if (Modes > 1) {
    error("-o, --output-dir and --in-place exclude each other");
    return 2;
  }
  if (!OutputFile.empty() && Sources.size() != 1) {
    error("-o needs exactly one source; use --output-dir for several");
    return 2;
  }
  if (Modes == 0 && Sources.size() != 1) {
    error("several sources need --output-dir or --in-place");
    return 2;
  }
  if (!DepFile.empty() && Modes == 0) {
    error("--depfile needs an output file (-o, --output-dir or --in-place)");
    return 2;
  }

  CompilationDatabase &DB = Parsed->getCompilations();

  // Plan the outputs first; reject collisions before doing any work.
  std::vector<std::string> Outputs;
  StringSet<> Seen;
  for (const std::string &Source : Sources) {
    std::string Out;
    if (!OutputFile.empty())
      Out = OutputFile;
    else if (InPlace)
      Out = Source;
    else if (!OutputDir.empty()) {
      SmallString<256> P(OutputDir);
      sys::path::append(P, sys::path::filename(Source));
      Out = std::string(P);
    }
    if (!Out.empty() && !Seen.insert(Out).second) {
      error("two sources would be written to '" + Out + "'");
      return 2;
    }
    Outputs.push_back(Out);
  }

  bool Ok = true;
  for (const std::string &Source : Sources)
    Ok &= checkInput(Source);
  if (!Ok)
    return 1;

  std::string Resource = ResourceDir;
  std::string Include = spiceIncludeDir(argv[0]);
  std::string Headers = HeaderDir;
  ArgumentsAdjuster Adjust = [=](const CommandLineArguments &Args, StringRef) {
    CommandLineArguments Out =
        Headers.empty() ? Args : dropIncludeDir(Args, Headers);
    if (!hasArg(Args, "-resource-dir") && !Resource.empty())
      Out.insert(Out.begin() + (Out.empty() ? 0 : 1),
                 "-resource-dir=" + Resource);
    // Before a "--" that ends the options (inferred commands have one).
    auto End = std::find(Out.begin(), Out.end(), "--");
    Out.insert(End, "-I" + Include);
    return Out;
  };

  std::vector<spice_rewrite::FileResult> Results;
  for (const std::string &Source : Sources) {
    ClangTool Tool(DB, {Source});
    Tool.appendArgumentsAdjuster(Adjust);
    CountingPrinter Printer;
    Tool.setDiagnosticConsumer(&Printer);
    spice_rewrite::RewriteActionFactory Factory(!NoLineDirectives,
                                                !HeaderDir.empty());
    int RC = Tool.run(&Factory);
    if (RC != 0 || !Factory.Result.Done || Printer.Errors != 0) {
      Ok = false;
      continue;
    }
    Results.push_back(std::move(Factory.Result));
  }
  if (!Ok)
    return 1;

  // Headers: one copy per path, whichever sources include it; copies of
  // headers that no longer carry [[spice::parallel]] are removed.
  if (!HeaderDir.empty()) {
    StringMap<std::string> Copies;
    for (const spice_rewrite::FileResult &R : Results)
      for (const spice_rewrite::FileResult::Header &H : R.Headers) {
        SmallString<256> P(HeaderDir);
        sys::path::append(P, H.Mirror);
        if (sys::fs::equivalent(P, H.Original)) {
          error("--header-dir would overwrite the header '" + H.Original +
                "' with its rewrite; use a directory of its own");
          return 1;
        }
        auto [It, New] = Copies.try_emplace(P, H.Text);
        if (!New && It->second != H.Text)
          errs() << "spice-rewrite: warning: the sources rewrite '" << P
                 << "' differently (macros or declarations before its "
                    "#include); keeping the first\n";
      }
    for (const auto &Copy : Copies)
      if (std::string Err = writeIfChanged(Copy.getKey(), Copy.getValue());
          !Err.empty()) {
        error(Err);
        return 1;
      }
    for (const spice_rewrite::FileResult &R : Results)
      for (const std::string &Rel : R.PlainHeaders) {
        SmallString<256> P(HeaderDir);
        sys::path::append(P, Rel);
        if (!Copies.count(P))
          sys::fs::remove(P);
      }
  }

  std::string Depfile;
  for (size_t I = 0; I < Results.size(); ++I) {
    if (Outputs[I].empty()) {
      outs() << Results[I].Output;
      outs().flush();
    } else {
      if (std::string Err =
              spice_rewrite::writeFileAtomically(Outputs[I], Results[I].Output);
          !Err.empty()) {
        error(Err);
        return 1;
      }
    }
    Depfile += spice_rewrite::makeDepfile(Outputs[I], Results[I].Dependencies);
  }
  if (!DepFile.empty())
    if (std::string Err = spice_rewrite::writeFileAtomically(DepFile, Depfile);
        !Err.empty()) {
      error(Err);
      return 1;
    }
  return 0;
}
