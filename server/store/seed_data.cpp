// Seeding of the hrdb sample (see seed_data.hpp).
#include "store/seed_data.hpp"

#include "auth/crypto.hpp"
#include "store/users.hpp"

namespace chat::server {

const std::vector<sample_employee>& sample_employees() {
  static const std::vector<sample_employee> list = {
      {"user1", "Eric", "Lin", "Product Manager", 1},
      {"user2", "Amy", "Rawlings", "Software Engineer", 1},
      {"user3", "Marcus", "Okafor", "Sales Director", 2},
      {"sofia", "Sofía", "García", "HR Manager", 3},
      {"kenji", "Kenji", "Watanabe", "Support Lead", 2},
      {"lena", "Lena", "Novak", "Chief Financial Officer", 4},
      {"priya", "Priya", "Nair", "QA Engineer", 1},
      {"omar", "Omar", "Haddad", "UX Designer", 1},
  };
  return list;
}

void seed_sample_data(user_store& s) {
  s.add_department({1, "Engineering", "ENG", "San Francisco"});
  s.add_department({2, "Sales", "SAL", "New York"});
  s.add_department({3, "Human Resources", "HR", "Chicago"});
  s.add_department({4, "Finance", "FIN", "Boston"});
  for (const auto& e : sample_employees()) {
    new_employee row;
    row.username = e.username;
    row.firstname = e.firstname;
    row.lastname = e.lastname;
    row.job_title = e.job_title;
    row.dept_id = e.dept_id;
    row.picurl = "/avatars/" + e.username + ".png";
    row.password_hash = crypto::hash_password(e.username);
    s.add_employee(row);
  }
}

}  // namespace chat::server
