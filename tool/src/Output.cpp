//===- Output.cpp - Writing results: atomic files and depfiles ------------===//
#include "Output.h"

#include "llvm/ADT/SmallString.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/raw_ostream.h"

namespace spice_rewrite {

std::string writeFileAtomically(llvm::StringRef Path, llvm::StringRef Content) {
  llvm::SmallString<256> Model(Path);
  Model += ".spice-tmp-%%%%%%";
  int FD = -1;
  llvm::SmallString<256> TempPath;
  if (std::error_code EC = llvm::sys::fs::createUniqueFile(Model, FD, TempPath))
    return "cannot create a file next to '" + Path.str() + "': " + EC.message();
  {
    llvm::raw_fd_ostream OS(FD, /*shouldClose=*/true);
    OS << Content;
    OS.flush();
    if (OS.has_error()) {
      std::string Message = OS.error().message();
      OS.clear_error();
      llvm::sys::fs::remove(TempPath);
      return "cannot write '" + Path.str() + "': " + Message;
    }
  }
  // Keep the mode of a file we replace (--in-place).
  if (llvm::ErrorOr<llvm::sys::fs::perms> Perms =
          llvm::sys::fs::getPermissions(Path))
    llvm::sys::fs::setPermissions(TempPath, *Perms);
  if (std::error_code EC = llvm::sys::fs::rename(TempPath, Path)) {
    llvm::sys::fs::remove(TempPath);
    return "cannot write '" + Path.str() + "': " + EC.message();
  }
  return "";
}

static std::string escapeMake(llvm::StringRef Name) {
  std::string Out;
  for (char C : Name) {
    if (C == ' ' || C == '#')
      Out += '\\';
    else if (C == '$')
      Out += '$';
    Out += C;
  }
  return Out;
}

std::string makeDepfile(llvm::StringRef Target,
                        const std::vector<std::string> &Deps) {
  std::string Out = escapeMake(Target) + ":";
  for (const std::string &Dep : Deps)
    Out += " \\\n  " + escapeMake(Dep);
  return Out + "\n";
}

} // namespace spice_rewrite
