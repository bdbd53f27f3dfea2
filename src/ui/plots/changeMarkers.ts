// A uPlot plugin drawing a dashed vertical line at every update that followed a settings change.
import type uPlot from 'uplot';

export function changeMarkers(updates: () => readonly number[], colour: string): uPlot.Plugin {
  return {
    hooks: {
      draw: [
        (u: uPlot) => {
          const xs = updates();
          if (!xs.length) return;
          const { ctx } = u;
          const { left, top, width, height } = u.bbox;
          ctx.save();
          ctx.strokeStyle = colour;
          ctx.lineWidth = Math.max(1, devicePixelRatio);
          ctx.setLineDash([4 * devicePixelRatio, 3 * devicePixelRatio]);
          ctx.beginPath();
          for (const x of xs) {
            const px = Math.round(u.valToPos(x, 'x', true));
            if (px < left || px > left + width) continue;
            ctx.moveTo(px, top);
            ctx.lineTo(px, top + height);
          }
          ctx.stroke();
          ctx.restore();
        },
      ],
    },
  };
}
