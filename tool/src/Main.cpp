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

#include "clang/Tooling/ArgumentsAdjusters.h"
#include "clang/Tooling/CompilationDatabase.h"
#include "clang/Tooling/JSONCompilationDatabase.h"
#include "clang/Tooling/Tooling.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Config/llvm-config.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

using namespace llvm;
using namespace clang::tooling;

namespace {

cl::OptionCategory Category("spice-rewrite options");

cl::list<std::string> Sources(cl::Positional, cl::desc("<source>..."),
                              cl::cat(Category));
cl::opt<std::string>
    BuildPath("p", cl::desc("Build directory containing compile_commands.json"),
              cl::value_desc("build dir"), cl::cat(Category));
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
cl::opt<bool> NoLineDirectives(
    "no-line-directives",
    cl::desc("Do not emit #line directives pointing at the source"),
    cl::cat(Category));
cl::list<std::string>
    ExtraArgs("extra-arg",
              cl::desc("Additional argument to append to the compiler "
                       "command line"),
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

bool hasArg(const CommandLineArguments &Args, StringRef Prefix) {
  for (const std::string &A : Args)
    if (StringRef(A).starts_with(Prefix))
      return true;
  return false;
}

} // namespace

int main(int argc, const char **argv) {
  cl::SetVersionPrinter(printVersion);
  // @file arguments, as compilers take them (spice_rewrite() passes a
  // target's options that way); expanded before `--` splits the line.
  BumpPtrAllocator Alloc;
  SmallVector<const char *, 64> Args(argv, argv + argc);
  if (Error E = cl::ExpansionContext(Alloc, cl::TokenizeGNUCommandLine)
                    .expandResponseFiles(Args)) {
    error(toString(std::move(E)));
    return 2;
  }
  argc = static_cast<int>(Args.size());
  argv = Args.data();
  std::string DBError;
  // Splits off "-- <compiler args>" (adjusting argc) when present.
  std::unique_ptr<CompilationDatabase> FixedDB =
      FixedCompilationDatabase::loadFromCommandLine(argc, argv, DBError);
  cl::HideUnrelatedOptions(Category);
  if (!cl::ParseCommandLineOptions(
          argc, argv,
          "spice-rewrite: rewrites [[spice::parallel]] functions into calls "
          "of the spice heartbeat-scheduling runtime.\n\n"
          "Output goes to stdout unless -o, --output-dir or --in-place is "
          "given.\nCompiler arguments come after '--', or from a "
          "compile_commands.json (-p); default: -std=c++17.\n",
          &errs()))
    return 2;
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

  std::unique_ptr<CompilationDatabase> DB;
  if (!BuildPath.empty()) {
    std::string Error;
    DB = CompilationDatabase::loadFromDirectory(BuildPath, Error);
    if (!DB) {
      error("cannot load the compilation database: " + Error);
      return 2;
    }
    DB = inferMissingCompileCommands(std::move(DB));
  } else if (FixedDB) {
    DB = std::move(FixedDB);
  } else {
    DB = std::make_unique<FixedCompilationDatabase>(
        ".", std::vector<std::string>{"-std=c++17"});
  }

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
  std::vector<std::string> Extra(ExtraArgs.begin(), ExtraArgs.end());
  ArgumentsAdjuster Adjust = [=](const CommandLineArguments &Args, StringRef) {
    CommandLineArguments Out(Args);
    if (!hasArg(Args, "-resource-dir") && !Resource.empty())
      Out.insert(Out.begin() + (Out.empty() ? 0 : 1),
                 "-resource-dir=" + Resource);
    Out.push_back("-I" + Include);
    Out.insert(Out.end(), Extra.begin(), Extra.end());
    return Out;
  };

  std::vector<spice_rewrite::FileResult> Results;
  for (const std::string &Source : Sources) {
    ClangTool Tool(*DB, {Source});
    Tool.appendArgumentsAdjuster(Adjust);
    spice_rewrite::RewriteActionFactory Factory(!NoLineDirectives);
    int RC = Tool.run(&Factory);
    if (RC != 0 || !Factory.Result.Done) {
      Ok = false;
      continue;
    }
    Results.push_back(std::move(Factory.Result));
  }
  if (!Ok)
    return 1;

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
