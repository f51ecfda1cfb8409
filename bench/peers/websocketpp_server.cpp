// Reference broadcast peer on websocketpp (Debian's libwebsocketpp-dev, Boost.Asio):
// every text frame a client sends goes verbatim to every connected client.
// TCP_NODELAY is set on each socket; each broadcast is framed once and shared;
// websocketpp gathers a connection's queued frames into one scatter write.
#include <websocketpp/config/asio_no_tls.hpp>
#include <websocketpp/processors/hybi13.hpp>
#include <websocketpp/server.hpp>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <set>
#include <string>

using config = websocketpp::config::asio;
using server = websocketpp::server<config>;

int main(int argc, char** argv) {
  unsigned short port = 0;
  for (int i = 1; i + 1 < argc; i += 2)
    if (std::strcmp(argv[i], "--port") == 0) port = static_cast<unsigned short>(std::atoi(argv[i + 1]));

  server ep;
  ep.clear_access_channels(websocketpp::log::alevel::all);  // the loggers write to stdout
  ep.clear_error_channels(websocketpp::log::elevel::all);
  ep.init_asio();
  ep.set_reuse_addr(true);
  ep.set_listen_backlog(4096);

  std::set<websocketpp::connection_hdl, std::owner_less<websocketpp::connection_hdl>> clients;
  ep.set_tcp_pre_init_handler([&](websocketpp::connection_hdl h) {  // accepted, before the handshake
    boost::system::error_code ec;
    ep.get_con_from_hdl(h)->get_socket().set_option(boost::asio::ip::tcp::no_delay(true), ec);
  });
  ep.set_open_handler([&](websocketpp::connection_hdl h) { clients.insert(h); });
  ep.set_close_handler([&](websocketpp::connection_hdl h) { clients.erase(h); });
  ep.set_fail_handler([&](websocketpp::connection_hdl h) { clients.erase(h); });

  // Frame each broadcast once (server frames are unmasked, so one frame fits every client).
  config::rng_type rng;
  websocketpp::processor::hybi13<config> framer(false, true, std::make_shared<config::con_msg_manager_type>(), rng);
  auto manager = std::make_shared<config::con_msg_manager_type>();
  ep.set_message_handler([&](websocketpp::connection_hdl, server::message_ptr in) {
    if (in->get_opcode() != websocketpp::frame::opcode::text) return;
    server::message_ptr out = manager->get_message();
    if (framer.prepare_data_frame(in, out)) return;
    for (const auto& h : clients) {
      websocketpp::lib::error_code ec;
      ep.send(h, out, ec);  // a closing client refuses: skip it
    }
  });

  ep.listen(boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port));
  ep.start_accept();
  boost::system::error_code ec;
  std::printf("listening on http://127.0.0.1:%u\n", ep.get_local_endpoint(ec).port());
  std::fflush(stdout);
  ep.run();
}
