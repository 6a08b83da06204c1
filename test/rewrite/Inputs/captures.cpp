#include <spice/spice.h>
#include <string>
#include <vector>

int peek(std::vector<int> &&v);
int look(const std::string &s);

[[spice::parallel]] unsigned long captures(std::string s, std::vector<int> v) {
  unsigned long n = spice::spawn([](auto x) { return x.size(); }, s);
  spice::spawn([](auto &x) { x += "!"; }, s);
  int a = spice::spawn(peek, std::move(v));
  int b = spice::spawn(look, std::move(s));
  spice::sync();
  return n + a + b;
}
