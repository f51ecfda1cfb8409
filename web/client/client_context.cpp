// The parts' shared command list, requests in flight and dice (see client_context.hpp).
#include "client/client_context.hpp"

#include <memory>
#include <random>

namespace chat::web {

random_source entropy_source() {
  std::random_device entropy;
  auto rng = std::make_shared<std::mt19937_64>((static_cast<std::uint64_t>(entropy()) << 32) ^ entropy());
  return [rng] { return (*rng)(); };
}

client_context::client_context(random_source random, client_options options)
    : random_(std::move(random)), opt_(std::move(options)) {}

void client_context::emit(command c) { commands_.push_back(std::move(c)); }

std::vector<command> client_context::take_commands() {
  std::vector<command> out;
  out.swap(commands_);
  return out;
}

std::uint64_t client_context::http(http_kind kind, std::string method, std::string path, std::string body,
                                   bool keepalive) {
  const std::uint64_t id = next_http_id_++;
  in_flight_[id] = in_flight_request{kind, epoch_};
  emit(cmd::http{http_request{id, kind, std::move(method), std::move(path), std::move(body), keepalive}});
  return id;
}

std::optional<client_context::answered> client_context::settle(std::uint64_t id) {
  const auto it = in_flight_.find(id);
  if (it == in_flight_.end()) return std::nullopt;
  const answered a{it->second.kind, it->second.epoch == epoch_};
  in_flight_.erase(it);
  return a;
}

}  // namespace chat::web
