#include "lab/lab.hpp"
