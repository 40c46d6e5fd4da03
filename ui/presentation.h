// Presentation mode, for a projector: the whole application's text 1.5 times larger, plot
// fonts and lines thicker, and a high-contrast palette (black on white, saturated
// highlight). Toggling it off restores exactly what was there.
#pragma once

class QWidget;

namespace normlab::ui {

inline constexpr double kPresentationScale = 1.5;

// Applies or removes presentation mode for the application and every plot under `root`.
void setPresentationMode(QWidget* root, bool on);
bool presentationMode();

} // namespace normlab::ui
