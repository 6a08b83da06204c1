// Run-time configuration: SPICE_* environment variables and the CPUs this
// process may use. Nothing here throws on malformed input: a bad variable is
// reported through the return value, an odd cgroup file means "no limit".
#include "config.h"

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <limits>
#include <sstream>
#include <thread>

#if defined(__linux__)
#include <cerrno>
#include <sched.h>
#include <unistd.h>
#endif

namespace spice::detail {
namespace {

constexpr std::string_view kSpace = " \t\n\r\f\v";

std::string_view trim(std::string_view text) {
  std::size_t begin = text.find_first_not_of(kSpace);
  if (begin == std::string_view::npos)
    return {};
  std::size_t end = text.find_last_not_of(kSpace);
  return text.substr(begin, end - begin + 1);
}

// Splits on runs of white space.
std::vector<std::string_view> split_words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t at = 0;
  while (true) {
    at = text.find_first_not_of(kSpace, at);
    if (at == std::string_view::npos)
      break;
    std::size_t end = text.find_first_of(kSpace, at);
    if (end == std::string_view::npos)
      end = text.size();
    words.push_back(text.substr(at, end - at));
    at = end;
  }
  return words;
}

std::vector<std::string_view> split(std::string_view text, char sep) {
  std::vector<std::string_view> parts;
  std::size_t at = 0;
  while (true) {
    std::size_t end = text.find(sep, at);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(at));
      return parts;
    }
    parts.push_back(text.substr(at, end - at));
    at = end + 1;
  }
}

// Plain decimal digits, no sign; false on anything else or overflow.
bool parse_u64(std::string_view text, std::uint64_t &value) {
  if (text.empty())
    return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return false;
    unsigned digit = static_cast<unsigned>(c - '0');
    if (v > (std::numeric_limits<std::uint64_t>::max() - digit) / 10)
      return false;
    v = v * 10 + digit;
  }
  value = v;
  return true;
}

// `"value"` with quotes, backslashes and control characters escaped and long
// values shortened, so the message stays one readable line.
std::string quote(std::string_view value) {
  constexpr std::size_t kMaxShown = 64;
  std::string out = "\"";
  std::size_t shown = std::min(value.size(), kMaxShown);
  for (std::size_t i = 0; i < shown; ++i) {
    unsigned char c = static_cast<unsigned char>(value[i]);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    case '\r':
      out += "\\r";
      break;
    default:
      if (c < 0x20 || c == 0x7f) {
        static const char hex[] = "0123456789abcdef";
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  if (value.size() > shown)
    out += "...";
  out += '"';
  return out;
}

void add_error(std::string &error, const char *name, std::string_view value,
               const std::string &problem) {
  if (!error.empty())
    error += "; ";
  error += name;
  error += '=';
  error += quote(value);
  error += ' ';
  error += problem;
}

std::optional<std::string> read_text_file(const std::string &path) {
  std::ifstream in(path, std::ios::in | std::ios::binary);
  if (!in)
    return std::nullopt;
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    return std::nullopt;
  return text.str();
}

// `root` joined with an absolute path; "" and "/" mean the real root.
std::string under_root(std::string root, std::string_view path) {
  while (!root.empty() && root.back() == '/')
    root.pop_back();
  return root + std::string(path);
}

// The smallest limit found in `dir` (below `root`) and its parents up to
// `mount_point`, reading each level with `read_level`.
template <class ReadLevel>
std::optional<std::size_t>
smallest_up_to_mount(const std::string &root, const CgroupMount &mount,
                     std::string_view path, ReadLevel read_level) {
  std::string dir = cgroup_dir(mount, path);
  std::string top = mount.mount_point;
  while (top.size() > 1 && top.back() == '/')
    top.pop_back();
  std::optional<std::size_t> best;
  while (true) {
    std::optional<std::size_t> limit = read_level(under_root(root, dir));
    if (limit && (!best || *limit < *best))
      best = limit;
    if (dir.size() <= top.size())
      break;
    std::size_t slash = dir.rfind('/');
    if (slash == std::string::npos)
      break;
    std::size_t parent = slash == 0 ? 1 : slash; // keep "/" itself
    if (parent < top.size())
      break;
    dir.resize(parent);
  }
  return best;
}

std::optional<std::size_t> read_v2_level(const std::string &dir) {
  std::optional<std::string> text = read_text_file(dir + "/cpu.max");
  if (!text)
    return std::nullopt;
  return parse_cgroup2_cpu_max(*text);
}

std::optional<std::size_t> read_v1_level(const std::string &dir) {
  std::optional<std::string> quota = read_text_file(dir + "/cpu.cfs_quota_us");
  if (!quota)
    return std::nullopt;
  std::optional<std::string> period =
      read_text_file(dir + "/cpu.cfs_period_us");
  if (!period)
    return std::nullopt;
  return parse_cgroup1_cpu_quota(*quota, *period);
}

} // namespace

std::string parse_positive(std::string_view text, std::uint64_t max,
                           std::uint64_t &value) {
  std::string_view digits = trim(text);
  bool all_digits =
      !digits.empty() && digits.find_first_not_of("0123456789") == digits.npos;
  if (!all_digits)
    return "is not a positive integer";
  std::uint64_t v = 0;
  if (!parse_u64(digits, v) || v > max)
    return "is too large (at most " + std::to_string(max) + ")";
  if (v == 0)
    return "is not a positive integer";
  value = v;
  return {};
}

std::optional<bool> parse_bool(std::string_view text) {
  std::string word(trim(text));
  for (char &c : word)
    if (c >= 'A' && c <= 'Z')
      c = static_cast<char>(c - 'A' + 'a');
  if (word == "1" || word == "true" || word == "yes" || word == "on")
    return true;
  if (word == "0" || word == "false" || word == "no" || word == "off")
    return false;
  return std::nullopt;
}

bool read_env_settings(
    EnvSettings &out, std::string &error,
    const std::function<const char *(const char *)> &getenv) {
  auto lookup = [&](const char *name) -> const char * {
    return getenv ? getenv(name) : std::getenv(name);
  };
  out = EnvSettings{};
  error.clear();

  if (const char *value = lookup("SPICE_NUM_THREADS")) {
    std::uint64_t n = 0;
    std::string problem = parse_positive(value, kMaxEnvThreads, n);
    if (problem.empty())
      out.num_threads = static_cast<std::size_t>(n);
    else
      add_error(error, "SPICE_NUM_THREADS", value, problem);
  }

  if (const char *value = lookup("SPICE_HEARTBEAT_US")) {
    std::uint64_t us = 0;
    std::string problem = parse_positive(value, kMaxEnvHeartbeatUs, us);
    if (problem.empty())
      out.heartbeat = std::chrono::microseconds(static_cast<std::int64_t>(us));
    else
      add_error(error, "SPICE_HEARTBEAT_US", value, problem);
  }

  if (const char *value = lookup("SPICE_STATS")) {
    if (!trim(value).empty()) {
      if (std::optional<bool> on = parse_bool(value))
        out.stats = *on;
      else
        add_error(error, "SPICE_STATS", value,
                  "is not a boolean (1/0, true/false, yes/no, on/off)");
    }
  }
  return error.empty();
}

std::size_t quota_to_cpus(std::uint64_t quota, std::uint64_t period) {
  if (period == 0)
    return 1;
  std::uint64_t cpus = quota / period + (quota % period != 0 ? 1 : 0);
  if (cpus == 0)
    cpus = 1;
  if (cpus > std::numeric_limits<std::size_t>::max())
    return std::numeric_limits<std::size_t>::max();
  return static_cast<std::size_t>(cpus);
}

std::optional<std::size_t> parse_cgroup2_cpu_max(std::string_view text) {
  std::vector<std::string_view> words = split_words(text);
  if (words.empty() || words.size() > 2 || words[0] == "max")
    return std::nullopt;
  std::uint64_t quota = 0;
  std::uint64_t period = 100000; // the kernel's default when only the quota
  if (!parse_u64(words[0], quota) || quota == 0)
    return std::nullopt;
  if (words.size() == 2 && (!parse_u64(words[1], period) || period == 0))
    return std::nullopt;
  return quota_to_cpus(quota, period);
}

std::optional<std::size_t> parse_cgroup1_cpu_quota(std::string_view quota,
                                                   std::string_view period) {
  // The quota is -1 when unlimited; any other negative value is odd.
  std::uint64_t q = 0;
  std::uint64_t p = 0;
  if (!parse_u64(trim(quota), q) || q == 0)
    return std::nullopt;
  if (!parse_u64(trim(period), p) || p == 0)
    return std::nullopt;
  return quota_to_cpus(q, p);
}

std::vector<CgroupEntry> parse_proc_cgroup(std::string_view text) {
  std::vector<CgroupEntry> entries;
  for (std::string_view line : split(text, '\n')) {
    if (!line.empty() && line.back() == '\r')
      line.remove_suffix(1);
    std::size_t first = line.find(':');
    if (first == std::string_view::npos)
      continue;
    std::size_t second = line.find(':', first + 1);
    if (second == std::string_view::npos)
      continue;
    CgroupEntry entry;
    entry.hierarchy_id = std::string(line.substr(0, first));
    std::string_view controllers = line.substr(first + 1, second - first - 1);
    entry.path = std::string(line.substr(second + 1));
    if (entry.hierarchy_id.empty() || entry.path.empty() ||
        entry.path[0] != '/')
      continue;
    if (!controllers.empty())
      for (std::string_view c : split(controllers, ','))
        if (!c.empty())
          entry.controllers.emplace_back(c);
    entries.push_back(std::move(entry));
  }
  return entries;
}

std::string unescape_mountinfo(std::string_view field) {
  std::string out;
  out.reserve(field.size());
  for (std::size_t i = 0; i < field.size(); ++i) {
    if (field[i] == '\\' && i + 3 < field.size()) {
      bool octal = true;
      int v = 0;
      for (std::size_t k = 1; k <= 3; ++k) {
        char c = field[i + k];
        if (c < '0' || c > '7') {
          octal = false;
          break;
        }
        v = v * 8 + (c - '0');
      }
      if (octal && v < 256) {
        out += static_cast<char>(v);
        i += 3;
        continue;
      }
    }
    out += field[i];
  }
  return out;
}

CgroupMounts parse_mountinfo(std::string_view text) {
  CgroupMounts mounts;
  for (std::string_view line : split(text, '\n')) {
    std::vector<std::string_view> fields = split_words(line);
    // id parent major:minor root mount-point options [optional...] - type
    // source super-options
    auto dash = std::find(fields.begin(), fields.end(), "-");
    if (dash == fields.end() || dash - fields.begin() < 6 ||
        fields.end() - dash < 3)
      continue;
    std::string_view type = dash[1];
    std::string_view super_options = fields.end() - dash >= 4 ? dash[3] : "";
    CgroupMount mount{unescape_mountinfo(fields[3]),
                      unescape_mountinfo(fields[4])};
    if (mount.root.empty() || mount.root[0] != '/' ||
        mount.mount_point.empty() || mount.mount_point[0] != '/')
      continue;
    if (type == "cgroup2") {
      if (!mounts.v2)
        mounts.v2 = std::move(mount);
    } else if (type == "cgroup") {
      std::vector<std::string_view> options = split(super_options, ',');
      if (!mounts.v1_cpu &&
          std::find(options.begin(), options.end(), "cpu") != options.end())
        mounts.v1_cpu = std::move(mount);
    }
  }
  return mounts;
}

std::string cgroup_dir(const CgroupMount &mount, std::string_view path) {
  std::string mount_point = mount.mount_point;
  while (mount_point.size() > 1 && mount_point.back() == '/')
    mount_point.pop_back();
  std::string_view root = mount.root;
  while (root.size() > 1 && root.back() == '/')
    root.remove_suffix(1);
  while (path.size() > 1 && path.back() == '/')
    path.remove_suffix(1);

  // The part of `path` below the mounted subtree, "" for its top.
  std::string_view rel;
  if (root == "/") {
    rel = path == "/" ? std::string_view() : path;
  } else if (path == root) {
    rel = {};
  } else if (path.size() > root.size() && path.substr(0, root.size()) == root &&
             path[root.size()] == '/') {
    rel = path.substr(root.size());
  } else {
    // Outside the mounted subtree (another cgroup namespace): the mount
    // point is the closest directory we can see.
    return mount_point;
  }
  // Paths with ".." components (a cgroup outside our namespace) likewise.
  for (std::string_view part : split(rel, '/'))
    if (part == "..")
      return mount_point;
  if (rel.empty())
    return mount_point;
  return mount_point == "/" ? std::string(rel) : mount_point + std::string(rel);
}

std::optional<std::size_t> cgroup_cpu_limit(const std::string &root) {
  std::optional<std::string> cgroup_text =
      read_text_file(under_root(root, "/proc/self/cgroup"));
  if (!cgroup_text)
    return std::nullopt;
  std::vector<CgroupEntry> entries = parse_proc_cgroup(*cgroup_text);

  CgroupMounts mounts;
  if (std::optional<std::string> mountinfo =
          read_text_file(under_root(root, "/proc/self/mountinfo")))
    mounts = parse_mountinfo(*mountinfo);
  else
    mounts.v2 = CgroupMount{"/", "/sys/fs/cgroup"}; // the usual place

  std::optional<std::size_t> best;
  auto take = [&](std::optional<std::size_t> limit) {
    if (limit && (!best || *limit < *best))
      best = limit;
  };
  for (const CgroupEntry &entry : entries) {
    if (entry.hierarchy_id == "0" && entry.controllers.empty()) {
      if (mounts.v2)
        take(smallest_up_to_mount(root, *mounts.v2, entry.path, read_v2_level));
    } else if (std::find(entry.controllers.begin(), entry.controllers.end(),
                         "cpu") != entry.controllers.end()) {
      if (mounts.v1_cpu)
        take(smallest_up_to_mount(root, *mounts.v1_cpu, entry.path,
                                  read_v1_level));
    }
  }
  return best;
}

std::size_t affinity_cpus() {
#if defined(__linux__)
  // Grow the mask until the kernel accepts its size (more than 1024 CPUs).
  for (int n = CPU_SETSIZE; n <= (1 << 22); n *= 2) {
    cpu_set_t *set = CPU_ALLOC(n);
    if (!set)
      break;
    std::size_t size = CPU_ALLOC_SIZE(n);
    CPU_ZERO_S(size, set);
    if (sched_getaffinity(0, size, set) == 0) {
      int count = CPU_COUNT_S(size, set);
      CPU_FREE(set);
      if (count > 0)
        return static_cast<std::size_t>(count);
      break;
    }
    int err = errno;
    CPU_FREE(set);
    if (err != EINVAL)
      break;
  }
  long online = sysconf(_SC_NPROCESSORS_ONLN);
  if (online > 0)
    return static_cast<std::size_t>(online);
#endif
  unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? hardware : 1;
}

std::size_t available_cpus(const std::string &root, std::size_t affinity) {
  std::size_t cpus = affinity;
  if (std::optional<std::size_t> limit = cgroup_cpu_limit(root))
    cpus = std::min(cpus, *limit);
  return cpus > 0 ? cpus : 1;
}

std::size_t available_cpus() { return available_cpus("", affinity_cpus()); }

} // namespace spice::detail
