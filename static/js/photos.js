// <input type="file" data-shrink="1600">: photos are shrunk on the phone before they are
// sent (long side at most that many pixels, JPEG), so a 10 MB camera picture goes up on
// mobile data as a few hundred KB. The server still decodes and re-encodes whatever arrives.
(function () {
  "use strict";
  const QUALITY = 0.85;

  function shrink(file, side) {
    if (!/^image\/(jpeg|png|webp|heic|heif)$/.test(file.type) || !window.createImageBitmap) {
      return Promise.resolve(file);
    }
    // createImageBitmap turns the picture upright from its EXIF orientation.
    return createImageBitmap(file, { imageOrientation: "from-image" }).then(function (bitmap) {
      const scale = Math.min(1, side / Math.max(bitmap.width, bitmap.height));
      if (scale === 1 && file.type === "image/jpeg" && file.size < 1024 * 1024) {
        bitmap.close();
        return file;
      }
      const canvas = document.createElement("canvas");
      canvas.width = Math.round(bitmap.width * scale);
      canvas.height = Math.round(bitmap.height * scale);
      const context = canvas.getContext("2d");
      context.imageSmoothingQuality = "high";
      context.fillStyle = "#fff"; // a transparent PNG becomes a JPEG on white, not black
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(bitmap, 0, 0, canvas.width, canvas.height);
      bitmap.close();
      return new Promise(function (resolve) {
        canvas.toBlob(
          function (blob) {
            if (!blob) return resolve(file);
            const name = file.name.replace(/\.[^.]*$/, "") + ".jpg";
            resolve(new File([blob], name, { type: "image/jpeg", lastModified: file.lastModified }));
          },
          "image/jpeg",
          QUALITY
        );
      });
    }).catch(function () {
      return file; // a picture the browser cannot decode goes as it is; the server decides
    });
  }

  document.addEventListener("change", function (event) {
    const input = event.target;
    if (!input.matches || !input.matches("input[type=file][data-shrink]") || input.dataset.shrunk === "1") return;
    if (!input.files.length || !window.DataTransfer) return;
    const side = Number(input.dataset.shrink) || 1600;
    const form = input.form;
    const buttons = form ? form.querySelectorAll("button[type=submit], button:not([type])") : [];
    document.body.dataset.shrinking = "1";
    buttons.forEach(function (button) {
      button.disabled = true;
    });
    Promise.all(Array.prototype.map.call(input.files, function (file) {
      return shrink(file, side);
    })).then(function (files) {
      const transfer = new DataTransfer();
      files.forEach(function (file) {
        transfer.items.add(file);
      });
      input.dataset.shrunk = "1"; // setting .files below fires no change event, but be sure
      input.files = transfer.files;
      delete input.dataset.shrunk;
      delete document.body.dataset.shrinking;
      buttons.forEach(function (button) {
        button.disabled = false;
      });
      input.dispatchEvent(new CustomEvent("photos:shrunk", { bubbles: true }));
    });
  });
})();
