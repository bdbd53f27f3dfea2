// "How it works": for each algorithm and each task, a few sentences and the equations (TeX, rendered as MathML by
// Tex.svelte), written to be read beside src/core/algorithms/ and the papers they cite. Static text: nothing here
// comes from a model or a link.
import type { ExperimentConfig } from '../../core/config';

export interface Explanation {
  title: string;
  /** Plain sentences, shown as text. */
  paragraphs: string[];
  /** Display equations in TeX. */
  equations: string[];
  /** Where to read more (paper, year). */
  sources: string[];
}

type Algorithm = ExperimentConfig['algorithm'];

const KL_REWARD = String.raw`r_t \leftarrow r_t - \beta\,\big(\log \pi_\theta(a_t \mid s_t) - \log \pi_{\text{prior}}(a_t \mid s_t)\big)`;
const KL_LOSS = String.raw`L \leftarrow L + \beta \sum_t \mathrm{KL}\big(\pi_\theta(\cdot \mid s_t)\,\|\,\pi_{\text{prior}}(\cdot \mid s_t)\big)`;
const KL_CONTROLLER = String.raw`\beta \leftarrow \beta\,\Big(1 + 0.1\,\mathrm{clip}\big(\tfrac{\mathrm{KL} - \mathrm{KL}_{\text{target}}}{\mathrm{KL}_{\text{target}}}, -0.2, 0.2\big)\Big)`;

function klPart(alg: Algorithm): { paragraph: string; equations: string[] } {
  const adaptive = alg.klTarget > 0;
  const where =
    alg.klMode === 'reward'
      ? 'The KL to the prior is a per-token penalty on the reward (as in RLHF), so the policy pays for every token it makes less likely than the prior would.'
      : 'The KL to the prior is a loss term: the exact KL over the vocabulary at every position.';
  const control = adaptive ? ` β adapts towards a target KL of ${alg.klTarget} nats (Ziegler et al. 2019).` : ` β is fixed at ${alg.klCoef}.`;
  return {
    paragraph: where + control,
    equations: [alg.klMode === 'reward' ? KL_REWARD : KL_LOSS, ...(adaptive ? [KL_CONTROLLER] : [])],
  };
}

export function algorithmExplanation(alg: Algorithm): Explanation {
  const kl = klPart(alg);
  switch (alg.name) {
    case 'reinforce':
      return {
        title: 'REINFORCE',
        paragraphs: [
          'Sample a batch, score it, and make each sampled token more likely in proportion to how much better than a baseline its sample did. The baseline does not bias the gradient; it only lowers its variance.',
          kl.paragraph,
        ],
        equations: [String.raw`\nabla_\theta J \approx \frac{1}{B}\sum_{i=1}^{B}\sum_t \big(G_t^{(i)} - b\big)\,\nabla_\theta \log \pi_\theta\big(a_t^{(i)} \mid s_t^{(i)}\big), \qquad G_t = \sum_{t' \ge t} r_{t'}`, ...kl.equations],
        sources: ['Williams 1992', 'Rennie et al. 2017 (self-critical baseline)'],
      };
    case 'a2c':
      return {
        title: 'Advantage actor-critic with GAE',
        paragraphs: [
          'A value head V(s) learns to predict the return; the advantage of a token is how much better things went than V expected. GAE blends one-step and Monte-Carlo estimates with λ: λ = 1 is REINFORCE with a learned baseline, small λ trusts the critic more.',
          kl.paragraph,
        ],
        equations: [
          String.raw`\delta_t = r_t + \gamma V(s_{t+1}) - V(s_t), \qquad \hat A_t = \sum_{l \ge 0} (\gamma\lambda)^l\, \delta_{t+l}`,
          String.raw`L = -\frac{1}{B}\sum_{i,t} \hat A_t \log \pi_\theta(a_t \mid s_t) + c_v\,\overline{\big(V(s_t) - \hat R_t\big)^2} - c_H\,\overline{H\big(\pi_\theta(\cdot \mid s_t)\big)}`,
          ...kl.equations,
        ],
        sources: ['Mnih et al. 2016', 'Schulman et al. 2016 (GAE)'],
      };
    case 'ppo':
      return {
        title: 'Proximal policy optimisation (clipped)',
        paragraphs: [
          `Reuse each batch for ${alg.ppoEpochs} epochs of ${alg.ppoMinibatches} minibatches. The probability ratio to the policy that sampled the batch is clipped to 1 ± ${alg.ppoClip}, so no step moves the policy far from where the data came from; training on the batch stops early if the approximate KL grows past the target.`,
          kl.paragraph,
        ],
        equations: [
          String.raw`\rho_t = \frac{\pi_\theta(a_t \mid s_t)}{\pi_{\theta_{\text{old}}}(a_t \mid s_t)}, \qquad L^{\text{clip}} = -\,\overline{\min\big(\rho_t \hat A_t,\ \mathrm{clip}(\rho_t, 1-\epsilon, 1+\epsilon)\,\hat A_t\big)}`,
          ...kl.equations,
        ],
        sources: ['Schulman et al. 2017', 'Ziegler et al. 2019; Ouyang et al. 2022 (PPO for language models)'],
      };
    case 'reinvent':
      return {
        title: "REINVENT's augmented likelihood",
        paragraphs: [
          `No advantages and no critic: each whole sequence x gets a target log-likelihood, the prior's plus σ = ${alg.sigma} times its score, and the agent is pulled towards it by a squared error. High-scoring molecules become more likely than under the prior, and the prior keeps the rest in place.`,
          'A diversity filter zeroes the score of scaffolds seen too often, and a replay memory of the best molecules is mixed into each batch.',
        ],
        equations: [
          String.raw`\log P_{\text{aug}}(x) = \log P_{\text{prior}}(x) + \sigma\, S(x)`,
          String.raw`L(\theta) = \frac{1}{B}\sum_i \big(\log P_{\text{aug}}(x_i) - \log P_\theta(x_i)\big)^2`,
        ],
        sources: ['Olivecrona et al. 2017', 'Blaschke et al. 2020 (REINVENT 2.0)'],
      };
  }
}

export function taskExplanation(task: ExperimentConfig['task']): Explanation {
  switch (task) {
    case 'words':
    case 'text':
      return {
        title: task === 'words' ? 'Words: a character-level policy over a novel\'s vocabulary' : 'Free text: a character-level policy over prose',
        paragraphs: [
          'The same policy as for names, over a novel: Words writes single words of its vocabulary, Free text writes lines of up to 63 characters (letters, space and basic punctuation). The prior was trained by maximum likelihood on Moby-Dick; RL reshapes it towards the reward while the KL term keeps it close to the book.',
          'BLEU counts how many of a sample\'s n-grams (up to 4) occur in the corpus, each clipped to its count in one example, times a penalty for samples shorter than a typical line; the real-words share is the fraction of its words found in the book. Both can be maximised by copying the book: watch the KL and the samples.',
          'The learned rewards work here too: a SeqGAN discriminator trained to tell the book\'s words or lines from generated ones, or a reward model fitted to your preferences (or a simulated annotator\'s) between pairs of samples.',
        ],
        equations: [String.raw`\mathrm{BLEU}(x) = \mathrm{BP}(x)\,\exp\Big(\sum_{n=1}^{N} \tfrac{1}{N}\log p_n(x)\Big), \qquad \mathrm{BP} = \min\big(1, e^{1 - r/c}\big)`],
        sources: ['Papineni et al. 2002 (BLEU)', 'Franceschelli & Musolesi, "Reinforcement Learning for Generative AI" (survey)'],
      };
    case 'names':
      return {
        title: 'Names: a character-level policy',
        paragraphs: [
          'A GRU reads the characters so far and outputs a distribution over the next one; a sample ends at ⏎. The prior was trained by maximum likelihood on a list of names; RL then reshapes it towards the reward while the KL term keeps it name-like.',
          'State: the characters so far. Action: the next character. Reward: the weighted sum of the terms, given on the last step.',
        ],
        equations: [String.raw`\pi_\theta(x) = \prod_{t=1}^{T} \pi_\theta(x_t \mid x_{<t}), \qquad R(x) = \sum_k w_k\, \mathrm{score}_k(x)`],
        sources: ['Franceschelli & Musolesi, "Reinforcement Learning for Generative AI" (survey)'],
      };
    case 'molecules':
      return {
        title: 'Molecules: a SMILES generator',
        paragraphs: [
          'The same kind of policy writes SMILES strings token by token (bracket atoms, Cl, Br and two-digit ring closures are single tokens). RDKit reads each sample in the Worker: an unreadable one scores 0, a valid one is scored by the chemistry terms (QED, logP, similarity, substructures...).',
          'Validity, uniqueness, novelty against the training set and internal diversity are plotted, because a score alone can be reached by collapsing onto a few molecules.',
          'The syntax guard (Task panel) restricts each step to the tokens A(s) that keep SMILES\'s brackets sound: no ")" without an open branch, no end while a branch or ring bond is open, and near the length limit only what closes them. The policy becomes the renormalised distribution over A(s), for sampling and for every log-probability the algorithm uses. It removes syntax errors, not chemistry errors: on the shipped prior validity goes from about 77% to 79%.',
        ],
        equations: [
          String.raw`\mathrm{QED}(x) = \exp\Big(\frac{\sum_i w_i \ln d_i(x)}{\sum_i w_i}\Big)`,
          String.raw`\pi^{\text{guard}}_\theta(a \mid s) = \frac{\pi_\theta(a \mid s)\,\mathbb{1}[a \in A(s)]}{\sum_{b \in A(s)} \pi_\theta(b \mid s)}`,
        ],
        sources: ['Olivecrona et al. 2017', 'Bickerton et al. 2012 (QED)'],
      };
    case 'paint':
      return {
        title: 'Painter: strokes towards a target',
        paragraphs: [
          'State: the current canvas, the target and the step. Action: one stroke (a quadratic Bézier with width and colour). The reward of a stroke is how much closer it brings the canvas to the target, relative to the blank canvas, so an episode’s rewards sum to the fraction of the distance removed.',
          'There is no pretrained prior: the painter starts from random weights, and its first policy serves as the reference for the KL term when β > 0.',
        ],
        equations: [String.raw`r_t = \frac{d(c_{t-1}, y) - d(c_t, y)}{d(c_0, y)}, \qquad \sum_{t=1}^{K} r_t = 1 - \frac{d(c_K, y)}{d(c_0, y)}`],
        sources: ['Huang et al. 2019 ("Learning to Paint")', 'Xie et al. 2012'],
      };
  }
}
