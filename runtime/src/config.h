// Run-time configuration of the runtime: the SPICE_* environment variables and
// the number of CPUs this process may use (affinity mask and cgroup CPU
// quota). Internal to the runtime; the parsers are exposed for the tests.
#ifndef SPICE_SRC_CONFIG_H
#define SPICE_SRC_CONFIG_H

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace spice::detail {

/// Largest accepted SPICE_NUM_THREADS.
inline constexpr std::uint64_t kMaxEnvThreads = 4096;
/// Largest accepted SPICE_HEARTBEAT_US (10 s).
inline constexpr std::uint64_t kMaxEnvHeartbeatUs = 10'000'000;

/// The SPICE_* environment variables; unset ones stay empty.
struct EnvSettings {
  std::optional<std::size_t> num_threads;             // SPICE_NUM_THREADS
  std::optional<std::chrono::microseconds> heartbeat; // SPICE_HEARTBEAT_US
  // SPICE_STATS (1/0/true/false/yes/no/on/off; empty = unset)
  bool stats = false;
};

/// Reads SPICE_NUM_THREADS, SPICE_HEARTBEAT_US and SPICE_STATS through
/// `getenv` (default: std::getenv). Surrounding white space is ignored;
/// numbers are plain decimal digits. Returns false when a variable is
/// malformed (a number that is empty, signed, has trailing junk, is zero,
/// overflows or is absurdly large; a boolean that is none of the accepted
/// words) and sets `error` to one line naming every malformed variable and
/// its value, e.g. `SPICE_NUM_THREADS="abc" is not a positive integer`.
/// `out` receives the well-formed variables in either case.
bool read_env_settings(
    EnvSettings &out, std::string &error,
    const std::function<const char *(const char *)> &getenv = {});

/// Parses a positive decimal integer (surrounding white space allowed) no
/// larger than `max`. Returns an error message suffix (`is not a positive
/// integer`, `is too large (at most N)`) or an empty string on success.
std::string parse_positive(std::string_view text, std::uint64_t max,
                           std::uint64_t &value);

/// Parses a boolean word (1/0, true/false, yes/no, on/off, any case,
/// surrounding white space allowed). Empty when the text is none of them.
std::optional<bool> parse_bool(std::string_view text);

/// The CPUs a quota of `quota` per `period` (both > 0) allows, rounded up
/// (150000/100000 -> 2), at least 1.
std::size_t quota_to_cpus(std::uint64_t quota, std::uint64_t period);

/// Parses the contents of a cgroup v2 `cpu.max` file ("max 100000",
/// "150000 100000", "150000"). Empty when unlimited or malformed.
std::optional<std::size_t> parse_cgroup2_cpu_max(std::string_view text);

/// Parses the contents of cgroup v1 `cpu.cfs_quota_us` and
/// `cpu.cfs_period_us`. Empty when unlimited (-1) or malformed.
std::optional<std::size_t> parse_cgroup1_cpu_quota(std::string_view quota,
                                                   std::string_view period);

/// One line of /proc/self/cgroup: "hierarchy-id:controller-list:path".
struct CgroupEntry {
  std::string hierarchy_id;
  std::vector<std::string> controllers; // empty for the v2 line "0::/..."
  std::string path;
};

/// Parses /proc/self/cgroup, skipping malformed lines.
std::vector<CgroupEntry> parse_proc_cgroup(std::string_view text);

/// A cgroup file system mount found in /proc/self/mountinfo.
struct CgroupMount {
  std::string root;        // the cgroup path mounted (field 4), "/" usually
  std::string mount_point; // where it is mounted (field 5), unescaped
};

/// The cgroup mounts that matter for the CPU quota.
struct CgroupMounts {
  std::optional<CgroupMount> v2;     // file system type cgroup2
  std::optional<CgroupMount> v1_cpu; // type cgroup with the cpu controller
};

/// Parses /proc/self/mountinfo, skipping malformed lines. The first matching
/// mount of each kind wins.
CgroupMounts parse_mountinfo(std::string_view text);

/// Unescapes the octal escapes (\040 and the like) of a mountinfo field.
std::string unescape_mountinfo(std::string_view field);

/// The directory of the cgroup `path` inside the mount `mount`: the mount
/// point plus the part of `path` below the mounted root. The mount point
/// itself when `path` lies outside the mounted subtree (another cgroup
/// namespace) or climbs out of it with "..".
std::string cgroup_dir(const CgroupMount &mount, std::string_view path);

/// The CPU limit of the cgroups of this process as seen under the file
/// system root `root` ("" or "/" for the real one): reads
/// root/proc/self/cgroup and root/proc/self/mountinfo, then the quota files
/// of the process's cgroup and its ancestors up to the mount point (v2:
/// cpu.max; v1: cpu.cfs_quota_us and cpu.cfs_period_us), taking the smallest
/// limit. Empty when there is no limit or nothing could be read.
std::optional<std::size_t> cgroup_cpu_limit(const std::string &root);

/// The CPUs in the calling thread's affinity mask (any number of CPUs);
/// falls back on the online CPUs, and is at least 1.
std::size_t affinity_cpus();

/// `affinity` capped by the cgroup CPU limit under `root`, at least 1.
std::size_t available_cpus(const std::string &root, std::size_t affinity);

/// The number of CPUs this process may use: the affinity mask capped by the
/// cgroup CPU quota (fractions round up). Always >= 1.
std::size_t available_cpus();

} // namespace spice::detail

#endif // SPICE_SRC_CONFIG_H
