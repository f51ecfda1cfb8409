// The browser app: set-up (WebGL2, ImGui, the client and its transport), then
// the draw loop. Text is drawn by the browser through the text path
// (web/text/); no font file is fetched. The UI is drawn only when something
// changed, so an idle chat costs no CPU.
#include "client/chat_client.hpp"
#include "client/client_driver.hpp"
#include "platform/browser_platform.hpp"
#include "platform/browser_storage.hpp"
#include "platform/dom_layer.hpp"
#include "platform/draw_times.hpp"
#include "platform/input_seq.hpp"
#include "text/text_engine.hpp"
#include "transport/transport_browser.hpp"
#include "ui/app.hpp"
#include "ui/theme.hpp"

#include <GLES3/gl3.h>
#include <emscripten/emscripten.h>
#include <emscripten/html5.h>
#include <imgui.h>
#include <imgui_impl_opengl3.h>

#include <algorithm>
#include <cstdint>

extern "C" {
void chatroom_boot_done();
void chatroom_register_service_worker();
void chatroom_text_install();
}

namespace {

using namespace chat::web;

struct program_state {
  dom_layer& dom = page_dom();
  browser_platform platform{dom};
  browser_transport transport;
  browser_storage storage;
  chat_client client{entropy_source(), local_utc_offset_minutes};
  client_driver driver{client, transport};
  ui::app app{client, driver, dom, platform};

  bool dirty = true;
  int settle_draws = 0;   // draws still made after a change, so hover and layout settle
  double redraw_at = 0;
  double last_draw = 0;
  double started_at = 0;
  bool worker_registered = false;

  // For the test hook: draws made, and how far the input sequence has been
  // handled. An input counts as done once the draw that consumed it and one
  // more draw were made (a scroll set in one draw shows in the next).
  std::uint64_t draws = 0;
  std::uint64_t consumed = 0;    // by the last draw
  std::uint64_t input_done = 0;  // consumed by an earlier draw, and a draw made since
};

program_state* program = nullptr;

void draw() {
  program_state& p = *program;
  const double now = emscripten_date_now();
  if (p.platform.poll_viewport()) p.dirty = true;  // a new devicePixelRatio keys new text textures
  if (p.dom.take_activity() || p.app.take_loaded() || p.platform.busy()) p.dirty = true;
  if (input_seq() > p.input_done) p.dirty = true;  // input not yet handled and shown
  if (p.dirty) p.settle_draws = 3;
  if (p.settle_draws == 0 && (p.redraw_at <= 0 || now < p.redraw_at)) return;
  p.dirty = false;
  if (p.settle_draws > 0) --p.settle_draws;

  const double started = emscripten_get_now();
  text::engine().begin_draw(started);
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(p.platform.width(), p.platform.height());
  io.DisplayFramebufferScale = ImVec2(p.platform.dpr(), p.platform.dpr());
  io.DeltaTime = static_cast<float>(std::clamp((now - p.last_draw) / 1000.0, 0.001, 0.1));
  p.last_draw = now;
  const std::uint64_t seen = input_seq();  // what arrives while this draw runs is the next draw's
  p.platform.feed(io);

  ImGui_ImplOpenGL3_NewFrame();
  ImGui::NewFrame();
  const double again = p.app.draw(static_cast<std::int64_t>(now), p.platform.take_scroll());
  p.redraw_at = again >= 0 ? now + again : 0;
  p.platform.set_cursor(ImGui::GetMouseCursor());
  ImGui::Render();

  glViewport(0, 0, p.platform.framebuffer_width(), p.platform.framebuffer_height());
  glClearColor(0.965f, 0.965f, 0.969f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  text::engine().end_draw();  // textures evicted during this draw are no longer in a draw list
  if (text::engine().deferred()) p.dirty = true;  // texts left over by the rasterising budget
  note_draw_time(emscripten_get_now() - started);

  ++p.draws;
  // The service worker's install fetches and compiles the client's files again:
  // begun before the page settled, it made the WebSocket open about a second
  // later on two cores (W5). Register it once the chat is live and drawn, or the
  // login form is, or after 10 s whatever the page is doing.
  if (!p.worker_registered) {
    const bool settled = (p.client.page() == page_kind::chat && p.client.connection() == connection_state::live) ||
                         p.client.page() == page_kind::login;
    if (settled || now - p.started_at > 10000) {
      p.worker_registered = true;
      chatroom_register_service_worker();
    }
  }
  p.input_done = p.consumed;
  const std::uint64_t queued = p.platform.first_queued_input();  // one transition per draw: some may wait
  p.consumed = std::max(p.consumed, std::min(seen, queued == UINT64_MAX ? seen : queued - 1));
  p.app.drawn(p.draws, p.input_done);
}

}  // namespace

int main() {
  program = new program_state();
  program_state& p = *program;
  if (!p.platform.init()) return 1;

  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;
  io.LogFilename = nullptr;
  io.BackendPlatformName = "chatroom_html5";
  const int keys[][2] = {{ImGuiKey_Tab, 9},       {ImGuiKey_LeftArrow, 37}, {ImGuiKey_RightArrow, 39},
                         {ImGuiKey_UpArrow, 38},  {ImGuiKey_DownArrow, 40}, {ImGuiKey_PageUp, 33},
                         {ImGuiKey_PageDown, 34}, {ImGuiKey_Home, 36},      {ImGuiKey_End, 35},
                         {ImGuiKey_Insert, 45},   {ImGuiKey_Delete, 46},    {ImGuiKey_Backspace, 8},
                         {ImGuiKey_Space, 32},    {ImGuiKey_Enter, 13},     {ImGuiKey_Escape, 27},
                         {ImGuiKey_A, 65},        {ImGuiKey_C, 67},         {ImGuiKey_V, 86},
                         {ImGuiKey_X, 88},        {ImGuiKey_Y, 89},         {ImGuiKey_Z, 90}};
  for (const auto& k : keys) io.KeyMap[k[0]] = k[1];
  ui::apply_style();
  // ImGui wants a font atlas; the app draws every string through the text path,
  // so its built-in one (compiled in, no file) is built once and never shown.
  io.Fonts->AddFontDefault();
  ImGui_ImplOpenGL3_Init("#version 300 es");

  p.client.set_store(&p.storage);  // the outbox and an unconfirmed logout outlive the page
  p.driver.on_title = [&p](const std::string& t) { p.platform.set_title(t); };
  p.driver.on_change = [&p] { p.dirty = true; };
  p.platform.on_visibility = [&p](bool visible) {
    p.driver.apply([visible](chat_client& c, std::int64_t now) { c.set_visible(visible, now); });
  };
  p.platform.on_network = [&p](bool online) {
    p.driver.apply([online](chat_client& c, std::int64_t now) { c.set_network_online(online, now); });
  };
  const bool visible = p.platform.page_visible();
  p.driver.apply([visible](chat_client& c, std::int64_t now) {
    c.set_visible(visible, now);
    c.start(now);  // the tutorial's "connect on page load"
  });

  chatroom_text_install();
  chatroom_boot_done();
  p.started_at = emscripten_date_now();

  emscripten_set_main_loop(draw, 0, false);
  return 0;
}
