// Tests of the run-time configuration: SPICE_* variables, the cgroup parsers
// and the CPU count, with cgroup trees written to a temporary directory.
#include "config.h"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <thread>

#if defined(__linux__)
#include <sched.h>
#endif

namespace spice::detail {
namespace {

namespace fs = std::filesystem;
using std::chrono::microseconds;

// A fake environment for read_env_settings.
struct FakeEnv {
  std::map<std::string, std::string> vars;
  std::function<const char *(const char *)> getenv() const {
    return [this](const char *name) -> const char * {
      auto it = vars.find(name);
      return it == vars.end() ? nullptr : it->second.c_str();
    };
  }
};

struct EnvResult {
  bool ok;
  EnvSettings settings;
  std::string error;
};

EnvResult read(const FakeEnv &env) {
  EnvResult r;
  r.settings.num_threads = 12345; // must be reset by the call
  r.settings.stats = true;
  r.error = "stale";
  r.ok = read_env_settings(r.settings, r.error, env.getenv());
  return r;
}

std::string error_for(const char *name, const std::string &value) {
  EnvResult r = read(FakeEnv{{{name, value}}});
  EXPECT_FALSE(r.ok) << name << "=" << value;
  return r.error;
}

TEST(EnvSettings, NothingSet) {
  EnvResult r = read(FakeEnv{});
  EXPECT_TRUE(r.ok);
  EXPECT_EQ(r.error, "");
  EXPECT_FALSE(r.settings.num_threads.has_value());
  EXPECT_FALSE(r.settings.heartbeat.has_value());
  EXPECT_FALSE(r.settings.stats);
}

TEST(EnvSettings, GoodValues) {
  EnvResult r = read(FakeEnv{{{"SPICE_NUM_THREADS", "8"},
                              {"SPICE_HEARTBEAT_US", "250"},
                              {"SPICE_STATS", "1"}}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.settings.num_threads, std::optional<std::size_t>(8));
  EXPECT_EQ(r.settings.heartbeat, std::optional<microseconds>(250));
  EXPECT_TRUE(r.settings.stats);
}

TEST(EnvSettings, WhiteSpaceLeadingZerosAndLimits) {
  EnvResult r = read(FakeEnv{
      {{"SPICE_NUM_THREADS", " \t007\n"}, {"SPICE_HEARTBEAT_US", "  1 "}}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.settings.num_threads, std::optional<std::size_t>(7));
  EXPECT_EQ(r.settings.heartbeat, std::optional<microseconds>(1));

  r = read(FakeEnv{
      {{"SPICE_NUM_THREADS", "4096"}, {"SPICE_HEARTBEAT_US", "10000000"}}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.settings.num_threads, std::optional<std::size_t>(4096));
  EXPECT_EQ(r.settings.heartbeat,
            std::optional<microseconds>(std::chrono::seconds(10)));

  r = read(FakeEnv{{{"SPICE_NUM_THREADS", "1"}}});
  ASSERT_TRUE(r.ok) << r.error;
  EXPECT_EQ(r.settings.num_threads, std::optional<std::size_t>(1));
}

TEST(EnvSettings, StatsWords) {
  for (const char *yes : {"1", "true", "yes", "on", "TRUE", "Yes", " on\n"}) {
    EnvResult r = read(FakeEnv{{{"SPICE_STATS", yes}}});
    EXPECT_TRUE(r.ok) << yes;
    EXPECT_TRUE(r.settings.stats) << yes;
  }
  for (const char *no : {"0", "false", "no", "off", "OFF", "False"}) {
    EnvResult r = read(FakeEnv{{{"SPICE_STATS", no}}});
    EXPECT_TRUE(r.ok) << no;
    EXPECT_FALSE(r.settings.stats) << no;
  }
  // Empty (after trimming) means unset.
  for (const char *unset : {"", "  ", "\t"}) {
    EnvResult r = read(FakeEnv{{{"SPICE_STATS", unset}}});
    EXPECT_TRUE(r.ok) << '"' << unset << '"';
    EXPECT_EQ(r.error, "");
    EXPECT_FALSE(r.settings.stats);
  }
}

TEST(EnvSettings, MalformedThreadCounts) {
  EXPECT_EQ(error_for("SPICE_NUM_THREADS", "abc"),
            "SPICE_NUM_THREADS=\"abc\" is not a positive integer");
  EXPECT_EQ(error_for("SPICE_NUM_THREADS", ""),
            "SPICE_NUM_THREADS=\"\" is not a positive integer");
  EXPECT_EQ(error_for("SPICE_NUM_THREADS", "   "),
            "SPICE_NUM_THREADS=\"   \" is not a positive integer");
  EXPECT_EQ(error_for("SPICE_NUM_THREADS", "0"),
            "SPICE_NUM_THREADS=\"0\" is not a positive integer");
  EXPECT_EQ(error_for("SPICE_NUM_THREADS", "000"),
            "SPICE_NUM_THREADS=\"000\" is not a positive integer");
  for (const char *bad :
       {"+4", "-4", "4x", "4 4", "0x10", "4.0", "1e3", "four", "-0"})
    EXPECT_EQ(error_for("SPICE_NUM_THREADS", bad),
              std::string("SPICE_NUM_THREADS=\"") + bad +
                  "\" is not a positive integer");
  EXPECT_EQ(error_for("SPICE_NUM_THREADS", "4097"),
            "SPICE_NUM_THREADS=\"4097\" is too large (at most 4096)");
  EXPECT_EQ(error_for("SPICE_NUM_THREADS", "18446744073709551616"),
            "SPICE_NUM_THREADS=\"18446744073709551616\" is too large (at "
            "most 4096)");
  EXPECT_EQ(error_for("SPICE_NUM_THREADS", "99999999999999999999999999"),
            "SPICE_NUM_THREADS=\"99999999999999999999999999\" is too large "
            "(at most 4096)");
}

TEST(EnvSettings, MalformedHeartbeats) {
  EXPECT_EQ(error_for("SPICE_HEARTBEAT_US", "0"),
            "SPICE_HEARTBEAT_US=\"0\" is not a positive integer");
  EXPECT_EQ(error_for("SPICE_HEARTBEAT_US", "10000001"),
            "SPICE_HEARTBEAT_US=\"10000001\" is too large (at most 10000000)");
  EXPECT_EQ(error_for("SPICE_HEARTBEAT_US", "100us"),
            "SPICE_HEARTBEAT_US=\"100us\" is not a positive integer");
  EXPECT_EQ(error_for("SPICE_HEARTBEAT_US", "-100"),
            "SPICE_HEARTBEAT_US=\"-100\" is not a positive integer");
  EXPECT_EQ(error_for("SPICE_HEARTBEAT_US", ""),
            "SPICE_HEARTBEAT_US=\"\" is not a positive integer");
}

TEST(EnvSettings, MalformedStats) {
  EXPECT_EQ(error_for("SPICE_STATS", "maybe"),
            "SPICE_STATS=\"maybe\" is not a boolean (1/0, true/false, "
            "yes/no, on/off)");
  EXPECT_EQ(error_for("SPICE_STATS", "2"),
            "SPICE_STATS=\"2\" is not a boolean (1/0, true/false, yes/no, "
            "on/off)");
}

TEST(EnvSettings, MessageStaysOneLine) {
  std::string error = error_for("SPICE_NUM_THREADS", "4\n\"5\"\\\x01");
  EXPECT_EQ(error,
            "SPICE_NUM_THREADS=\"4\\n\\\"5\\\"\\\\\\x01\" is not a positive "
            "integer");
  EXPECT_EQ(error.find('\n'), std::string::npos);
  std::string long_value(200, '9');
  error = error_for("SPICE_HEARTBEAT_US", long_value);
  EXPECT_EQ(error, "SPICE_HEARTBEAT_US=\"" + std::string(64, '9') +
                       "...\" is too large (at most 10000000)");
}

TEST(EnvSettings, ReportsEveryBadVariableAndKeepsTheGoodOnes) {
  EnvResult r = read(FakeEnv{{{"SPICE_NUM_THREADS", "x"},
                              {"SPICE_HEARTBEAT_US", "50"},
                              {"SPICE_STATS", "yes"}}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "SPICE_NUM_THREADS=\"x\" is not a positive integer");
  EXPECT_FALSE(r.settings.num_threads.has_value());
  EXPECT_EQ(r.settings.heartbeat, std::optional<microseconds>(50));
  EXPECT_TRUE(r.settings.stats);

  r = read(FakeEnv{{{"SPICE_NUM_THREADS", "3"},
                    {"SPICE_HEARTBEAT_US", "0"},
                    {"SPICE_STATS", "sometimes"}}});
  EXPECT_FALSE(r.ok);
  EXPECT_EQ(r.error, "SPICE_HEARTBEAT_US=\"0\" is not a positive integer; "
                     "SPICE_STATS=\"sometimes\" is not a boolean (1/0, "
                     "true/false, yes/no, on/off)");
  EXPECT_EQ(r.settings.num_threads, std::optional<std::size_t>(3));
  EXPECT_FALSE(r.settings.heartbeat.has_value());
  EXPECT_FALSE(r.settings.stats);
}

// Sets (or unsets) an environment variable for the scope.
class ScopedEnv {
public:
  ScopedEnv(const char *name, const char *value) : name_(name) {
    if (const char *old = std::getenv(name))
      old_ = old;
    if (value)
      ::setenv(name, value, 1);
    else
      ::unsetenv(name);
  }
  ~ScopedEnv() {
    if (old_)
      ::setenv(name_, old_->c_str(), 1);
    else
      ::unsetenv(name_);
  }

private:
  const char *name_;
  std::optional<std::string> old_;
};

TEST(EnvSettings, DefaultsToTheProcessEnvironment) {
  ScopedEnv threads("SPICE_NUM_THREADS", "3");
  ScopedEnv heartbeat("SPICE_HEARTBEAT_US", "77");
  ScopedEnv stats("SPICE_STATS", "on");
  EnvSettings settings;
  std::string error;
  ASSERT_TRUE(read_env_settings(settings, error)) << error;
  EXPECT_EQ(settings.num_threads, std::optional<std::size_t>(3));
  EXPECT_EQ(settings.heartbeat, std::optional<microseconds>(77));
  EXPECT_TRUE(settings.stats);

  ScopedEnv bad("SPICE_NUM_THREADS", "three");
  EXPECT_FALSE(read_env_settings(settings, error));
  EXPECT_EQ(error, "SPICE_NUM_THREADS=\"three\" is not a positive integer");
}

// --- cgroup parsers --------------------------------------------------------

using Cpus = std::optional<std::size_t>;

TEST(CgroupParse, QuotaToCpusRoundsUp) {
  EXPECT_EQ(quota_to_cpus(100000, 100000), 1u);
  EXPECT_EQ(quota_to_cpus(150000, 100000), 2u);
  EXPECT_EQ(quota_to_cpus(200000, 100000), 2u);
  EXPECT_EQ(quota_to_cpus(200001, 100000), 3u);
  EXPECT_EQ(quota_to_cpus(1000, 100000), 1u);
  EXPECT_EQ(quota_to_cpus(50000, 50000), 1u);
  EXPECT_EQ(quota_to_cpus(1, 1), 1u);
  EXPECT_EQ(quota_to_cpus(3200000, 100000), 32u);
  EXPECT_GT(quota_to_cpus(~std::uint64_t{0}, 1), 1000000u);
}

TEST(CgroupParse, CpuMax) {
  EXPECT_EQ(parse_cgroup2_cpu_max("max 100000\n"), Cpus());
  EXPECT_EQ(parse_cgroup2_cpu_max("max\n"), Cpus());
  EXPECT_EQ(parse_cgroup2_cpu_max("150000 100000\n"), Cpus(2));
  EXPECT_EQ(parse_cgroup2_cpu_max("100000 100000\n"), Cpus(1));
  EXPECT_EQ(parse_cgroup2_cpu_max("50000 100000"), Cpus(1));
  EXPECT_EQ(parse_cgroup2_cpu_max("400000 100000"), Cpus(4));
  EXPECT_EQ(parse_cgroup2_cpu_max("250001 100000"), Cpus(3));
  EXPECT_EQ(parse_cgroup2_cpu_max("75000 50000"), Cpus(2));
  EXPECT_EQ(parse_cgroup2_cpu_max("300000\n"), Cpus(3)); // default period
  // Malformed: no limit from there.
  for (const char *bad :
       {"", "\n", "abc 100000", "-1 100000", "100000 0", "0 100000",
        "100000 100000 7", "1.5 1", "100000 abc", "150000,100000"})
    EXPECT_EQ(parse_cgroup2_cpu_max(bad), Cpus()) << '"' << bad << '"';
}

TEST(CgroupParse, CfsQuota) {
  EXPECT_EQ(parse_cgroup1_cpu_quota("-1\n", "100000\n"), Cpus());
  EXPECT_EQ(parse_cgroup1_cpu_quota("150000\n", "100000\n"), Cpus(2));
  EXPECT_EQ(parse_cgroup1_cpu_quota("50000\n", "100000\n"), Cpus(1));
  EXPECT_EQ(parse_cgroup1_cpu_quota("800000", "200000"), Cpus(4));
  for (auto [quota, period] :
       std::initializer_list<std::pair<const char *, const char *>>{
           {"", "100000"},
           {"junk", "100000"},
           {"100000", ""},
           {"100000", "0"},
           {"0", "100000"},
           {"-2", "100000"},
           {"100000 1", "100000"},
       })
    EXPECT_EQ(parse_cgroup1_cpu_quota(quota, period), Cpus())
        << '"' << quota << "\" / \"" << period << '"';
}

TEST(CgroupParse, ProcSelfCgroup) {
  std::vector<CgroupEntry> entries =
      parse_proc_cgroup("12:cpu,cpuacct:/docker/abc\n"
                        "9:name=systemd:/user.slice\n"
                        "garbage line\n"
                        "3::\n"
                        "1:pids:relative\n"
                        "0::/user.slice/user-1000.slice/a:b.scope\n");
  ASSERT_EQ(entries.size(), 3u);
  EXPECT_EQ(entries[0].hierarchy_id, "12");
  EXPECT_EQ(entries[0].controllers,
            (std::vector<std::string>{"cpu", "cpuacct"}));
  EXPECT_EQ(entries[0].path, "/docker/abc");
  EXPECT_EQ(entries[1].controllers, (std::vector<std::string>{"name=systemd"}));
  EXPECT_EQ(entries[2].hierarchy_id, "0");
  EXPECT_TRUE(entries[2].controllers.empty());
  EXPECT_EQ(entries[2].path, "/user.slice/user-1000.slice/a:b.scope");
  EXPECT_TRUE(parse_proc_cgroup("").empty());
}

TEST(CgroupParse, Mountinfo) {
  CgroupMounts mounts = parse_mountinfo(
      "22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/sda1 rw\n"
      "30 22 0:26 / /sys/fs/cgroup ro,nosuid shared:4 - tmpfs tmpfs ro\n"
      "31 30 0:27 / /sys/fs/cgroup/cpuacct rw shared:5 - cgroup cgroup "
      "rw,cpuacct\n"
      "32 30 0:28 /docker/abc /sys/fs/cgroup/cpu\\054cpuacct rw shared:6 - "
      "cgroup cgroup rw,cpu,cpuacct\n"
      "33 30 0:29 / /sys/fs/cgroup/my\\040unified rw master:7 shared:8 - "
      "cgroup2 cgroup2 rw,nsdelegate\n"
      "34 30 0:30 / /other/cgroup2 rw - cgroup2 cgroup2 rw\n"
      "35 broken line - cgroup2\n");
  ASSERT_TRUE(mounts.v1_cpu.has_value());
  EXPECT_EQ(mounts.v1_cpu->root, "/docker/abc");
  EXPECT_EQ(mounts.v1_cpu->mount_point, "/sys/fs/cgroup/cpu,cpuacct");
  ASSERT_TRUE(mounts.v2.has_value());
  EXPECT_EQ(mounts.v2->root, "/");
  EXPECT_EQ(mounts.v2->mount_point, "/sys/fs/cgroup/my unified");

  CgroupMounts none = parse_mountinfo(
      "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
      "31 30 0:27 / /sys/fs/cgroup/cpuacct rw - cgroup cgroup rw,cpuacct\n");
  EXPECT_FALSE(none.v1_cpu.has_value());
  EXPECT_FALSE(none.v2.has_value());
}

TEST(CgroupParse, UnescapeMountinfo) {
  EXPECT_EQ(unescape_mountinfo("/a\\040b\\011c\\134d"), "/a b\tc\\d");
  EXPECT_EQ(unescape_mountinfo("/plain"), "/plain");
  EXPECT_EQ(unescape_mountinfo("/bad\\09x\\0"), "/bad\\09x\\0");
}

TEST(CgroupParse, CgroupDir) {
  CgroupMount top{"/", "/sys/fs/cgroup"};
  EXPECT_EQ(cgroup_dir(top, "/"), "/sys/fs/cgroup");
  EXPECT_EQ(cgroup_dir(top, "/a/b"), "/sys/fs/cgroup/a/b");
  EXPECT_EQ(cgroup_dir(top, "/a/b/"), "/sys/fs/cgroup/a/b");
  CgroupMount docker{"/docker/abc", "/sys/fs/cgroup/cpu"};
  EXPECT_EQ(cgroup_dir(docker, "/docker/abc"), "/sys/fs/cgroup/cpu");
  EXPECT_EQ(cgroup_dir(docker, "/docker/abc/x"), "/sys/fs/cgroup/cpu/x");
  // Outside the mounted subtree: the mount point is the best guess.
  EXPECT_EQ(cgroup_dir(docker, "/docker/abcd"), "/sys/fs/cgroup/cpu");
  EXPECT_EQ(cgroup_dir(docker, "/"), "/sys/fs/cgroup/cpu");
  EXPECT_EQ(cgroup_dir(top, "/../../x"), "/sys/fs/cgroup");
}

// --- cgroup trees in a temporary directory ---------------------------------

class CgroupTree : public ::testing::Test {
protected:
  void SetUp() override {
    const char *tmp = std::getenv("TMPDIR");
    std::string pattern =
        std::string(tmp && *tmp ? tmp : "/tmp") + "/spice-config-XXXXXX";
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    root_ = pattern;
  }
  void TearDown() override {
    std::error_code ignored;
    fs::remove_all(root_, ignored);
  }

  void write(const std::string &path, const std::string &text) {
    fs::path full = fs::path(root_) / fs::path(path).relative_path();
    fs::create_directories(full.parent_path());
    std::ofstream out(full, std::ios::binary);
    out << text;
    ASSERT_TRUE(out.good()) << full;
  }

  void v2_mount(const std::string &cgroup_path) {
    write("/proc/self/cgroup", "0::" + cgroup_path + "\n");
    write("/proc/self/mountinfo",
          "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
          "30 22 0:26 / /sys/fs/cgroup rw,nosuid shared:4 - cgroup2 cgroup2 "
          "rw,nsdelegate\n");
  }

  void v1_mount(const std::string &cgroup_path) {
    write("/proc/self/cgroup", "5:memory:/other\n"
                               "4:cpu,cpuacct:" +
                                   cgroup_path +
                                   "\n"
                                   "1:name=systemd:/\n");
    write("/proc/self/mountinfo",
          "22 1 8:1 / / rw - ext4 /dev/sda1 rw\n"
          "30 22 0:26 / /sys/fs/cgroup rw - tmpfs tmpfs rw\n"
          "31 30 0:27 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory\n"
          "32 30 0:28 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup "
          "rw,cpu,cpuacct\n");
  }

  void v1_quota(const std::string &dir, const char *quota,
                const char *period = "100000\n") {
    write("/sys/fs/cgroup/cpu,cpuacct" + dir + "/cpu.cfs_quota_us", quota);
    write("/sys/fs/cgroup/cpu,cpuacct" + dir + "/cpu.cfs_period_us", period);
  }

  std::string root_;
};

TEST_F(CgroupTree, V2Limit) {
  v2_mount("/app.slice/worker.service");
  write("/sys/fs/cgroup/app.slice/worker.service/cpu.max", "150000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(2));
  EXPECT_EQ(cgroup_cpu_limit(root_ + "/"), Cpus(2));
  EXPECT_EQ(available_cpus(root_, 8), 2u);
  EXPECT_EQ(available_cpus(root_, 1), 1u);
}

TEST_F(CgroupTree, V2Max) {
  v2_mount("/app.slice/worker.service");
  write("/sys/fs/cgroup/app.slice/worker.service/cpu.max", "max 100000\n");
  write("/sys/fs/cgroup/app.slice/cpu.max", "max 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus());
  EXPECT_EQ(available_cpus(root_, 6), 6u);
}

TEST_F(CgroupTree, V2NestedLimitsTakeTheSmallest) {
  v2_mount("/a/b/c");
  write("/sys/fs/cgroup/a/cpu.max", "300000 100000\n");
  write("/sys/fs/cgroup/a/b/cpu.max", "max 100000\n");
  write("/sys/fs/cgroup/a/b/c/cpu.max", "max 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(3));

  write("/sys/fs/cgroup/a/b/c/cpu.max", "450000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(3));

  write("/sys/fs/cgroup/a/b/cpu.max", "120000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(2));

  // The mount point itself (a namespaced container's root) counts too.
  write("/sys/fs/cgroup/cpu.max", "100000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(1));
  EXPECT_EQ(available_cpus(root_, 64), 1u);
}

TEST_F(CgroupTree, V2NamespaceRoot) {
  v2_mount("/");
  write("/sys/fs/cgroup/cpu.max", "250000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(3));
}

TEST_F(CgroupTree, V2MountedSubtree) {
  write("/proc/self/cgroup", "0::/kubepods/pod1/ctr/inner\n");
  write("/proc/self/mountinfo", "30 22 0:26 /kubepods/pod1/ctr /sys/fs/cgroup "
                                "rw - cgroup2 cgroup2 rw\n");
  write("/sys/fs/cgroup/inner/cpu.max", "max 100000\n");
  write("/sys/fs/cgroup/cpu.max", "50000 100000\n");
  // Above the mount point is not visible, and not read.
  write("/sys/fs/cpu.max", "1 1000000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(1));
  write("/sys/fs/cgroup/cpu.max", "700000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(7));
}

TEST_F(CgroupTree, V2MountedAtTheRoot) {
  // Odd but legal: the cgroup2 file system mounted at "/" (under the root).
  write("/proc/self/cgroup", "0::/a\n");
  write("/proc/self/mountinfo", "30 22 0:26 / / rw - cgroup2 cgroup2 rw\n");
  write("/cpu.max", "200000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(2));
  write("/a/cpu.max", "100000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(1));
}

TEST_F(CgroupTree, V2OddFilesMeanNoLimit) {
  v2_mount("/a/b");
  write("/sys/fs/cgroup/a/b/cpu.max", "lots\n");
  write("/sys/fs/cgroup/a/cpu.max", "");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus());
  // A directory where the file should be cannot be read either.
  fs::path leaf = fs::path(root_) / "sys/fs/cgroup/a/b/cpu.max";
  fs::remove(leaf);
  fs::create_directories(leaf);
  write("/sys/fs/cgroup/a/cpu.max", "200000 100000");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(2));
}

TEST_F(CgroupTree, V1Limit) {
  v1_mount("/docker/abc");
  v1_quota("/docker/abc", "150000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(2));
  EXPECT_EQ(available_cpus(root_, 16), 2u);
}

TEST_F(CgroupTree, V1Unlimited) {
  v1_mount("/docker/abc");
  v1_quota("/docker/abc", "-1\n");
  v1_quota("/docker", "-1\n");
  v1_quota("", "-1\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus());
  EXPECT_EQ(available_cpus(root_, 5), 5u);
}

TEST_F(CgroupTree, V1ParentLimitAndFractions) {
  v1_mount("/docker/abc");
  v1_quota("/docker/abc", "-1\n");
  v1_quota("/docker", "350000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(4));
  v1_quota("/docker/abc", "25000\n", "50000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(1));
}

TEST_F(CgroupTree, V1MissingPeriodMeansNoLimit) {
  v1_mount("/x");
  write("/sys/fs/cgroup/cpu,cpuacct/x/cpu.cfs_quota_us", "100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus());
}

TEST_F(CgroupTree, HybridTakesTheSmallest) {
  write("/proc/self/cgroup", "4:cpu:/job\n0::/job\n");
  write("/proc/self/mountinfo",
        "32 30 0:28 / /sys/fs/cgroup/cpu rw - cgroup cgroup rw,cpu\n"
        "33 30 0:29 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n");
  write("/sys/fs/cgroup/cpu/job/cpu.cfs_quota_us", "500000\n");
  write("/sys/fs/cgroup/cpu/job/cpu.cfs_period_us", "100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(5));
  write("/sys/fs/cgroup/unified/job/cpu.max", "200000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(2));
}

TEST_F(CgroupTree, MissingProcFilesMeanNoLimit) {
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus());
  EXPECT_EQ(available_cpus(root_, 3), 3u);
  // A cgroup file but no mountinfo: cgroup v2 at its usual place.
  write("/proc/self/cgroup", "0::/a\n");
  write("/sys/fs/cgroup/a/cpu.max", "100000 100000\n");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus(1));
  // No cgroup file: nothing is read.
  fs::remove(fs::path(root_) / "proc/self/cgroup");
  EXPECT_EQ(cgroup_cpu_limit(root_), Cpus());
}

TEST_F(CgroupTree, AtLeastOneCpu) {
  EXPECT_EQ(available_cpus(root_, 0), 1u);
  v2_mount("/");
  write("/sys/fs/cgroup/cpu.max", "1000 100000\n");
  EXPECT_EQ(available_cpus(root_, 0), 1u);
  EXPECT_EQ(available_cpus(root_, 4), 1u);
}

// --- the real machine ------------------------------------------------------

TEST(AvailableCpus, RealMachine) {
  std::size_t affinity = affinity_cpus();
  EXPECT_GT(affinity, 0u);
  std::size_t cpus = available_cpus();
  EXPECT_GE(cpus, 1u);
  EXPECT_LE(cpus, affinity);
  EXPECT_EQ(cpus, available_cpus("/", affinity));
  EXPECT_EQ(cpus, available_cpus("", affinity));
}

#if defined(__linux__)
TEST(AvailableCpus, FollowsTheAffinityMask) {
  // The mask is per thread: restrict a fresh thread to one of our CPUs.
  std::size_t in_thread_affinity = 0;
  std::size_t in_thread_available = 0;
  int rc = -1;
  std::thread([&] {
    cpu_set_t mask;
    CPU_ZERO(&mask);
    if (sched_getaffinity(0, sizeof(mask), &mask) != 0)
      return;
    int first = -1;
    for (int i = 0; i < CPU_SETSIZE && first < 0; ++i)
      if (CPU_ISSET(i, &mask))
        first = i;
    if (first < 0)
      return;
    cpu_set_t one;
    CPU_ZERO(&one);
    CPU_SET(first, &one);
    rc = sched_setaffinity(0, sizeof(one), &one);
    in_thread_affinity = affinity_cpus();
    in_thread_available = available_cpus();
  }).join();
  ASSERT_EQ(rc, 0);
  EXPECT_EQ(in_thread_affinity, 1u);
  EXPECT_EQ(in_thread_available, 1u);
}
#endif

} // namespace
} // namespace spice::detail
