// No spice here: the tool must not change a byte.
#include <cstdio>
#include <vector>

  static   int  weird_spacing ( int x ) { return x*2 ; }	

int main() {
  std::vector<int> v{1, 2, 3};
  std::printf("%d\n", weird_spacing(v[0]));
}
