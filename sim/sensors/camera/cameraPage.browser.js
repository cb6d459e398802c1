// Runs inside headless Chromium, never in Node. BrowserCameraRenderer injects three.js (as
// window.THREE) and then this script, which defines window.curbCamera:
//   init(description, plan, look)  build the scene once from SensorScene.describe() and the RenderPlan
//   render(dynamic, cameraMatrix)  move the dynamic parts, place the camera, render, return JPEG base64
//   analyse(jpegBase64, bg, thr)   test helper: decode a JPEG and find the non-background pixels
// Plain JavaScript on purpose: it is sent to the page as text (no bundler helpers inside).
(() => {
  const THREE = window.THREE;
  const state = {};

  function geometries() {
    return {
      box: new THREE.BoxGeometry(1, 1, 1),
      cylinder: new THREE.CylinderGeometry(0.5, 0.5, 1, 12, 1, false),
      sphere: new THREE.SphereGeometry(0.5, 10, 8),
      plane: new THREE.PlaneGeometry(1, 1),
    };
  }

  function setMatrix(mesh, src, offset) {
    const e = mesh.matrix.elements;
    for (let i = 0; i < 16; i++) e[i] = src[offset + i];
    mesh.visible = e[15] !== 0; // an all-zero matrix hides the part
    mesh.matrixWorldNeedsUpdate = true;
  }

  /**
   * The undistortion map of the output image: for every output pixel (bottom row first, GL order),
   * the texture coordinate in the undistorted render (OpenCV's fixed-point undistortion, 20 steps).
   */
  function warpMap(plan) {
    const { width: W, height: H, fx, fy, cx, cy, d, rW, rH, rfx, rfy, rcx, rcy } = plan;
    const map = new Float32Array(W * H * 4);
    for (let j = 0; j < H; j++) {
      const v = H - 1 - j;
      for (let u = 0; u < W; u++) {
        const xd = (u - cx) / fx;
        const yd = (v - cy) / fy;
        let x = xd;
        let y = yd;
        for (let it = 0; it < 20; it++) {
          const r2 = x * x + y * y;
          const icd = (1 + d[5] * r2 + d[6] * r2 * r2 + d[7] * r2 * r2 * r2) / (1 + d[0] * r2 + d[1] * r2 * r2 + d[4] * r2 * r2 * r2);
          const dx = 2 * d[2] * x * y + d[3] * (r2 + 2 * x * x);
          const dy = d[2] * (r2 + 2 * y * y) + 2 * d[3] * x * y;
          x = (xd - dx) * icd;
          y = (yd - dy) * icd;
        }
        const ur = rfx * x + rcx;
        const vr = rfy * y + rcy;
        const k = 4 * (j * W + u);
        map[k] = (ur + 0.5) / rW;
        map[k + 1] = 1 - (vr + 0.5) / rH;
        map[k + 2] = 0;
        map[k + 3] = 1;
      }
    }
    return map;
  }

  function init(desc, plan, look) {
    THREE.ColorManagement.enabled = false; // colours pass through as given (tests compare pixels)
    const canvas = document.createElement("canvas");
    canvas.width = plan.width;
    canvas.height = plan.height;
    document.body.appendChild(canvas);
    const renderer = new THREE.WebGLRenderer({ canvas, antialias: false, preserveDrawingBuffer: true, alpha: false });
    renderer.outputColorSpace = THREE.LinearSRGBColorSpace;
    renderer.setPixelRatio(1);
    renderer.setSize(plan.width, plan.height, false);

    const scene = new THREE.Scene();
    scene.background = new THREE.Color(look.background);
    scene.matrixWorldAutoUpdate = true;
    if (look.lighting !== false) {
      scene.add(new THREE.HemisphereLight(0xdde8ff, 0x4a4a40, 1.2));
      const sun = new THREE.DirectionalLight(0xffffff, 1.6);
      sun.position.set(-0.4, -0.6, 1); // map frame, z up: sun high in the south-west
      scene.add(sun);
    }
    const geo = geometries();
    const materials = new Map();
    const material = (color) => {
      let m = materials.get(color);
      if (!m) {
        m = look.lighting === false ? new THREE.MeshBasicMaterial({ color }) : new THREE.MeshLambertMaterial({ color });
        materials.set(color, m);
      }
      return m;
    };
    const meshes = [];
    for (const p of desc.parts) {
      const mesh = new THREE.Mesh(geo[p.shape], material(p.color));
      mesh.matrixAutoUpdate = false;
      setMatrix(mesh, p.matrix, 0);
      scene.add(mesh);
      meshes.push(mesh);
    }
    const dynamic = desc.dynamicParts.map((i) => meshes[i]);

    const camera = new THREE.PerspectiveCamera();
    camera.matrixAutoUpdate = false;
    camera.projectionMatrix.fromArray(look.projection);
    camera.projectionMatrixInverse.copy(camera.projectionMatrix).invert();

    let target = null;
    let warpScene = null;
    let warpCamera = null;
    if (plan.warp) {
      target = new THREE.WebGLRenderTarget(plan.rW, plan.rH, { minFilter: THREE.LinearFilter, magFilter: THREE.LinearFilter, depthBuffer: true });
      const mapTex = new THREE.DataTexture(warpMap(plan), plan.width, plan.height, THREE.RGBAFormat, THREE.FloatType);
      mapTex.minFilter = THREE.NearestFilter;
      mapTex.magFilter = THREE.NearestFilter;
      mapTex.needsUpdate = true;
      const bg = new THREE.Color(look.background);
      const mat = new THREE.ShaderMaterial({
        uniforms: { src: { value: target.texture }, map: { value: mapTex }, bg: { value: new THREE.Vector3(bg.r, bg.g, bg.b) } },
        vertexShader: "varying vec2 vUv; void main() { vUv = uv; gl_Position = vec4(position.xy, 0.0, 1.0); }",
        fragmentShader: [
          "uniform sampler2D src; uniform sampler2D map; uniform vec3 bg; varying vec2 vUv;",
          "void main() {",
          "  vec2 st = texture2D(map, vUv).xy;",
          "  if (st.x < 0.0 || st.y < 0.0 || st.x > 1.0 || st.y > 1.0) gl_FragColor = vec4(bg, 1.0);",
          "  else gl_FragColor = vec4(texture2D(src, st).rgb, 1.0);",
          "}",
        ].join("\n"),
        depthTest: false,
        depthWrite: false,
      });
      warpScene = new THREE.Scene();
      warpScene.add(new THREE.Mesh(new THREE.PlaneGeometry(2, 2), mat));
      warpCamera = new THREE.OrthographicCamera(-1, 1, 1, -1, 0, 1);
    }
    Object.assign(state, { canvas, renderer, scene, camera, dynamic, target, warpScene, warpCamera, quality: look.jpegQuality });
    return { parts: meshes.length, dynamic: dynamic.length, renderer: rendererName(renderer) };
  }

  function rendererName(renderer) {
    const gl = renderer.getContext();
    const ext = gl.getExtension("WEBGL_debug_renderer_info");
    return gl.getParameter(ext ? ext.UNMASKED_RENDERER_WEBGL : gl.RENDERER);
  }

  function render(dynamic, cameraMatrix) {
    const s = state;
    for (let i = 0; i < s.dynamic.length; i++) setMatrix(s.dynamic[i], dynamic, 16 * i);
    s.camera.matrix.fromArray(cameraMatrix);
    s.camera.matrixWorldNeedsUpdate = true;
    if (s.target) {
      s.renderer.setRenderTarget(s.target);
      s.renderer.render(s.scene, s.camera);
      s.renderer.setRenderTarget(null);
      s.renderer.render(s.warpScene, s.warpCamera);
    } else {
      s.renderer.render(s.scene, s.camera);
    }
    const url = s.canvas.toDataURL("image/jpeg", s.quality);
    return url.slice(url.indexOf(",") + 1);
  }

  async function analyse(jpegBase64, bg, threshold) {
    const bytes = Uint8Array.from(atob(jpegBase64), (c) => c.charCodeAt(0));
    const bitmap = await createImageBitmap(new Blob([bytes], { type: "image/jpeg" }));
    const c = document.createElement("canvas");
    c.width = bitmap.width;
    c.height = bitmap.height;
    const ctx = c.getContext("2d");
    ctx.drawImage(bitmap, 0, 0);
    const px = ctx.getImageData(0, 0, c.width, c.height).data;
    const r0 = (bg >> 16) & 255, g0 = (bg >> 8) & 255, b0 = bg & 255;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity, count = 0;
    for (let y = 0; y < c.height; y++) {
      for (let x = 0; x < c.width; x++) {
        const k = 4 * (y * c.width + x);
        if (Math.abs(px[k] - r0) + Math.abs(px[k + 1] - g0) + Math.abs(px[k + 2] - b0) > threshold) {
          count++;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    return { width: c.width, height: c.height, count, bbox: count ? { xMin: x0, yMin: y0, xMax: x1, yMax: y1 } : null };
  }

  window.curbCamera = { init, render, analyse };
})();
