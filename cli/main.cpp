// authctx: see README.md. A thin main over the cli library.
#include "cli/app.hpp"

int main(int argc, char** argv) { return authctx::cli::run_app(argc, argv); }
