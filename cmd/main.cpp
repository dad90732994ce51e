#include <cmd/app.hpp>

int main(int argc, char** argv) { return sc::run_app(argc, argv); }
