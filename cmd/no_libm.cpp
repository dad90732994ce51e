// fmod for the one user of libm in the binary, pugixml (its XPath `mod`, linked in whole with
// the EC2 XML reader), so that the executable needs no libm.so: loading and relocating it cost
// every start ~0.15 ms of CPU and 11 page faults, a seventh of `swarmctl version`
// (bench/startup.sh). The executable's definition is the one pugixml binds to at link time.
// x87 FPREM computes the partial remainder exactly, truncating like C's fmod; repeated until
// complete (C2 clear) it is fmod, NaN for a zero divisor or an infinite dividend included.
extern "C" double fmod(double x, double y) {
  long double r = x;
  long double d = y;
  asm("1:\n\t"
      "fprem\n\t"
      "fnstsw %%ax\n\t"
      "testb $4, %%ah\n\t"
      "jnz 1b"
      : "+t"(r)
      : "u"(d)
      : "ax", "cc");
  return static_cast<double>(r);
}
