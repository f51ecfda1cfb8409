// The tutorial's sample data: hrdb departments and employees, created on the
// first start. Every sample employee's password is their username (the
// tutorial's demo logins user1/user1 …); docs/operations.md lists them.
#pragma once

#include <string>
#include <vector>

namespace chat::server {

class user_store;

/** One sample employee as seeded. */
struct sample_employee {
  std::string username;
  std::string firstname;
  std::string lastname;
  std::string job_title;
  int dept_id;
};

/** The sample employees, in EMP_ID order. */
const std::vector<sample_employee>& sample_employees();

/** Adds the departments and employees (hashing each password). Call once, on
 *  a database the store just created. */
void seed_sample_data(user_store& s);

}  // namespace chat::server
