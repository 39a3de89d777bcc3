"""What every setting means, with its formula where the course gives one: the one table behind
the tooltips of the inspector, the training settings and the experiments' knobs.

Entries are keyed by the option's name in a network file (``learning_rate``, ``units``,
``early_stopping.patience``...). A name that means different things in different places
(``momentum`` of SGD, RMSprop and BatchNorm; ``alpha`` of LeakyReLU and the cosine schedule;
``epsilon``) also has scoped entries ``"scope.name"``, the scope being the optimizer, schedule
or layer type, which win over the plain one. The values a choice offers (each loss, optimizer,
schedule, activation, preprocessing and initializer) have their own texts in ``CHOICES``.
The notation is the course's: α the learning rate, θ the parameters, ∇L the gradient of the
loss, V and U the moving averages, β the momentum, λ a penalty's strength.
"""

from __future__ import annotations

import html

OPTIONS: dict[str, str] = {
    # ----- how the network learns ------------------------------------------------------
    "loss": "What training minimises: how far the outputs are from the targets. Cross-entropy "
            "for classes (softmax output, one unit per class), binary cross-entropy for yes/no "
            "outputs (sigmoid), MSE or MAE for numbers (regression, linear output).",
    "optimizer": "How each update uses the gradient: gradient descent θ ← θ − α∇L (sgd, with "
                 "optional momentum) or an adaptive method that scales the step per weight "
                 "(adam, nadam, rmsprop, adagrad, adadelta).",
    "learning_rate": "Learning rate α, the step size: θ ← θ − α∇L. Too large and the loss "
                     "jumps or grows; too small and it falls slowly. It can be changed while "
                     "the network trains.",
    "schedule": "How the learning rate changes during the run (annealing): a step, exponential "
                "or cosine decay, or a warmup first. none: α stays the same.",
    "batch_size": "Samples per update (mini-batch gradient descent): each step follows the "
                  "loss averaged over one batch, so an epoch is N / batch size updates. "
                  "1 is stochastic gradient descent; 32 to 256 is typical.",
    "epochs": "Passes over the training data: each epoch presents every training sample once.",
    "l1": "L1 penalty λ1: L_reg = L + λ1 Σ|w| over the weights (not the biases). It pushes "
          "weights to exactly 0. 0 is off; with L2 as well it is the elastic net.",
    "l2": "L2 weight decay λ2: L_reg = L + λ2 Σ w² over the weights (not the biases); every "
          "update decays each weight toward 0 (gradient 2λ2·w). Larger λ2: smaller weights, "
          "a smoother boundary. 0 is off.",
    "regularizer": "This layer's own weight penalty, which wins over the training settings' "
                   "one: L_reg = L + λ1 Σ|w| + λ2 Σ w².",
    "early_stopping.patience": "Early stopping: stop when the validation loss has not improved "
                               "for this many epochs (the patience n) and keep the weights of "
                               "the best epoch. Empty: off.",
    "reduce_on_plateau.patience": "Reduce on plateau: when the validation loss has not improved "
                                  "for this many epochs, α ← 0.1·α (never below 10⁻⁶). "
                                  "Empty: off.",
    "validation_split": "Fraction of the data held out for validation, never trained on: its "
                        "loss and accuracy show whether the network generalises (a gap to the "
                        "training curve is overfitting). 0: no validation set.",
    "seed": "Seed of the run's random numbers (initial weights, the split, the shuffling, "
            "dropout masks): the same seed gives the same run, number for number.",
    "gradient_clip": "Gradient clipping at c: when the norm of the whole gradient is larger, "
                     "it is scaled down before the step, ∇L ← ∇L · c / ‖∇L‖. Stops exploding "
                     "gradients. Empty: off.",
    "preprocessing": "How the inputs are scaled before the network sees them, with statistics "
                     "of the training split only (the course's mean subtraction and "
                     "normalisation).",
    "shuffle": "Shuffle the training samples at the start of every epoch, so each batch is a "
               "random draw. Off: the batches follow the data's order.",
    # ----- optimizer options --------------------------------------------------------------
    "sgd.momentum": "Momentum β: V ← βV + α∇L, θ ← θ − V. V accumulates the past gradients, "
                    "like a heavy ball rolling downhill; 0.9 is typical, 0 is plain gradient "
                    "descent.",
    "sgd.nesterov": "Nesterov momentum: step with the gradient looked at after the momentum "
                    "move: V ← βV + α∇L, θ ← θ − (βV + α∇L).",
    "beta_1": "β1, the decay of the first moment (the average of past gradients): "
              "V ← β1·V + (1 − β1)∇L. Default 0.9.",
    "beta_2": "β2, the decay of the second moment (the average of past squared gradients): "
              "U ← β2·U + (1 − β2)(∇L)². Default 0.999.",
    "nadam.momentum_decay": "ψ, how fast Nadam's momentum coefficient warms up: "
                            "μₜ = β1·(1 − ½·0.96^(t·ψ)), so μ starts near β1/2 and approaches "
                            "β1 (Dozat's schedule, as PyTorch's NAdam). Default 0.004.",
    "epsilon": "ε, a small number that keeps the division finite: "
               "θ ← θ − α·V̂ / (√Û + ε), with V̂ = V / (1 − β1ᵗ), Û = U / (1 − β2ᵗ).",
    "rmsprop.rho": "ρ, the decay of the average of squared gradients: S ← ρS + (1 − ρ)(∇L)², "
                   "θ ← θ − α∇L / (√S + ε).",
    "rmsprop.momentum": "Momentum μ on top of RMSprop: M ← μM + α∇L / (√S + ε), θ ← θ − M. "
                        "0 is off.",
    "rmsprop.epsilon": "ε, keeps the division finite: θ ← θ − α∇L / (√S + ε).",
    "adagrad.initial_accumulator": "Starting value of G, the running sum of squared "
                                   "gradients: G ← G + (∇L)², θ ← θ − α∇L / (√G + ε).",
    "adagrad.epsilon": "ε, keeps the division finite: θ ← θ − α∇L / (√G + ε).",
    "adadelta.rho": "ρ, the decay of both running averages: S ← ρS + (1 − ρ)(∇L)², "
                    "Δ = √(D + ε) / √(S + ε) · ∇L, D ← ρD + (1 − ρ)Δ², θ ← θ − αΔ.",
    "adadelta.epsilon": "ε in Δ = √(D + ε) / √(S + ε) · ∇L: it keeps the division finite "
                        "and sets the size of the first steps.",
    # ----- schedule options (t: the update, counted from 0) --------------------------------
    "step.factor": "Multiply the learning rate by this factor every period: "
                   "α_t = α · factor^⌊t / period⌋ (0.5 halves it).",
    "step.every_epochs": "The step decay's period, in epochs (e.g. halve α every 5 epochs).",
    "step.every_steps": "The step decay's period, in updates instead of epochs.",
    "exponential.decay_rate": "α_t = α · rate^(t / period): multiplied by the rate once per "
                              "period (one epoch unless decay steps is set), smoothly between.",
    "exponential.decay_steps": "The exponential decay's period, in updates (default: one "
                               "epoch).",
    "exponential.staircase": "Decay in whole periods only: α_t = α · rate^⌊t / period⌋.",
    "cosine.alpha": "Where the cosine ends, as a fraction a of α: "
                    "α_t = α · (a + (1 − a)(1 + cos(π t / T)) / 2).",
    "cosine.epochs": "T, the length of the cosine decay in epochs (default: the whole run).",
    "cosine.steps": "T, the length of the cosine decay in updates (default: the whole run).",
    "warmup.warmup_epochs": "Warmup over T epochs: α_t = α · (t + 1) / T, then the next "
                            "schedule (cosine unless the file names another).",
    "warmup.warmup_steps": "Warmup over T updates: α_t = α · (t + 1) / T, then the next "
                           "schedule (cosine unless the file names another).",
    # ----- layer options ----------------------------------------------------------------------
    "input_shape": "The shape of one sample: 2 for points (x1, x2), 1, 8, 8 for an 8×8 grey "
                   "image (channels, height, width).",
    "units": "Number of units (neurons): the rows of W. The layer computes a = σ(W x + b), one "
             "value per unit. An output layer needs one unit per class (1 for a single yes/no "
             "or a single number).",
    "activation": "The activation σ applied to z = W x + b, unit by unit: linear for "
                  "regression outputs or logits, sigmoid/tanh squash, relu thresholds at 0, "
                  "softmax turns the outputs into probabilities.",
    "use_bias": "Add a bias per unit: z = W x + b. Off: z = W x.",
    "kernel_initializer": "How W starts when no weights are typed: random draws scaled to the "
                          "layer's fan-in and fan-out (glorot suits sigmoid/tanh, he suits "
                          "ReLU), or constants.",
    "bias_initializer": "How b starts when no biases are typed (zeros by default).",
    "filters": "Number of filters: each slides over the image computing dot products with a "
               "small window and gives one feature map (the output's channels).",
    "kernel_size": "The filter's size kh × kw (one number for a square); each filter spans "
                   "every input channel (5×5×3 on a colour image).",
    "stride": "How far the filter moves between positions, in pixels (one number, or rows, "
              "columns). A stride of 2 halves the output's size.",
    "padding": "Zeros around the input: valid adds none (the output shrinks by kernel − 1), "
               "same keeps the size at stride 1, a number pads that many pixels.",
    "rate": "Dropout rate p: while training each value is dropped (set to 0) with "
            "probability p and the others are scaled by 1 / (1 − p); at inference nothing is "
            "dropped. 0.2 to 0.5 is typical.",
    "BatchNorm.momentum": "Momentum m of the running statistics that inference uses: "
                          "μ_run ← m·μ_run + (1 − m)·μ (the same for σ²).",
    "BatchNorm.epsilon": "ε in x̂ = (x − μ) / √(σ² + ε), over the batch; the layer outputs "
                         "γ·x̂ + β.",
    "LeakyReLU.alpha": "The slope α for negative inputs: f(z) = z for z > 0, α·z otherwise "
                       "(0.01 is typical); it keeps units from dying.",
    "axis": "The axis the inputs are joined along, in one sample's shape (0: the features, or "
            "the channels of images).",
    "pool_size": "The pooling window's size (ph × pw): max-pool keeps the largest value of each "
                 "window, average-pool the mean.",
    "MaxPool2D.stride": "The step between windows; empty: the pool size (windows side by side, "
                        "not overlapping).",
    "AvgPool2D.stride": "The step between windows; empty: the pool size (windows side by side, "
                        "not overlapping).",
    # ----- parameters shown as tables -------------------------------------------------------
    "weights": "W: one row per unit, one column per input. Unit i computes "
               "zᵢ = Σⱼ Wᵢⱼ xⱼ + bᵢ, then aᵢ = σ(zᵢ).",
    "Conv2D.weights": "W, laid out [filters][channels][kh][kw]: each filter spans every input "
                      "channel.",
    "bias": "b: one value per unit, added to W x.",
    "gamma": "γ, the learned scale of BatchNorm's output γ·x̂ + β.",
    "beta": "β, the learned shift of BatchNorm's output γ·x̂ + β.",
}

CHOICES: dict[str, dict[str, str]] = {
    "loss": {
        "cross_entropy": "L = −(1/N) Σᵢ Σₖ yᵢₖ log ŷᵢₖ with ŷ the softmax probabilities: for "
                         "classes, with one output unit per class.",
        "binary_cross_entropy": "L = −(1/N) Σ [y log ŷ + (1 − y) log(1 − ŷ)] with ŷ = σ(z): for "
                                "yes/no outputs (one sigmoid unit for two classes).",
        "mse": "Mean squared error L = (1/n) Σ (y − ŷ)²: for numbers (regression).",
        "mae": "Mean absolute error L = (1/n) Σ |y − ŷ|: for numbers, less swayed by outliers.",
    },
    "optimizer": {
        "sgd": "Gradient descent: θ ← θ − α∇L; with momentum β: V ← βV + α∇L, θ ← θ − V.",
        "adam": "Adam: V ← β1·V + (1 − β1)∇L, U ← β2·U + (1 − β2)(∇L)², "
                "θ ← θ − α·V̂ / (√Û + ε) with V̂ = V / (1 − β1ᵗ), Û = U / (1 − β2ᵗ).",
        "nadam": "Nadam: Adam with Nesterov's look-ahead momentum and a warming-up momentum "
                 "coefficient μₜ (Dozat, 2016; the formula of PyTorch's NAdam).",
        "rmsprop": "RMSprop: S ← ρS + (1 − ρ)(∇L)², θ ← θ − α∇L / (√S + ε).",
        "adagrad": "Adagrad: G ← G + (∇L)², θ ← θ − α∇L / (√G + ε): weights that often get "
                   "large gradients slow down.",
        "adadelta": "Adadelta: the step Δ = √(D + ε) / √(S + ε) · ∇L follows running averages "
                    "of squared gradients (S) and squared steps (D); θ ← θ − αΔ.",
    },
    "schedule": {
        "none": "The learning rate stays α for the whole run.",
        "constant": "The learning rate stays α for the whole run.",
        "step": "Multiply α by a factor every few epochs (e.g. halve it every 5).",
        "exponential": "α_t = α · rate^(t / period): a smooth decay.",
        "cosine": "α falls along half a cosine to a fraction of itself by the end of the run.",
        "warmup": "α rises linearly from near 0 over the first epochs, then decays.",
    },
    "activation": {
        "linear": "f(z) = z: regression outputs, or logits before a separate Softmax.",
        "sigmoid": "σ(z) = 1 / (1 + e⁻ᶻ), between 0 and 1; saturates (vanishing gradients) "
                   "far from 0.",
        "tanh": "tanh(z) = 2σ(2z) − 1, between −1 and 1 and zero-centred; saturates too.",
        "relu": "f(z) = max(0, z): fast, no saturation for z > 0; a unit can die (always 0).",
        "leaky_relu": "f(z) = z for z > 0, α·z otherwise (α = 0.01 unless set in the file).",
        "softmax": "yᵢ = e^zᵢ / Σⱼ e^zⱼ: positive outputs that sum to 1 (class probabilities).",
    },
    "preprocessing": {
        "none": "The inputs as they are in the data.",
        "auto": "Standardize tabular features, scale image pixels to [0, 1].",
        "center": "x − μ: zero-centred features (mean subtraction).",
        "standardize": "(x − μ) / σ: each feature with mean 0 and standard deviation 1.",
        "minmax": "(x − min) / (max − min): each feature in [0, 1].",
        "minmax_symmetric": "Each feature mapped from [min, max] to [−1, 1].",
        "pixels": "x / 255: image intensities in [0, 1].",
    },
    "initializer": {
        "zeros": "Every value 0.",
        "ones": "Every value 1.",
        "constant": "Every value the same constant (0 unless set in the file).",
        "uniform": "Uniform in [−0.05, 0.05] (the limit can be set in the file).",
        "normal": "Normal with mean 0 and standard deviation 0.05.",
        "glorot_uniform": "Uniform in ±√(6 / (fan_in + fan_out)) (Xavier): suits sigmoid/tanh.",
        "glorot_normal": "Normal, standard deviation √(2 / (fan_in + fan_out)) (Xavier).",
        "he_uniform": "Uniform in ±√(6 / fan_in) (He): suits ReLU.",
        "he_normal": "Normal, standard deviation √(2 / fan_in) (He): suits ReLU.",
    },
}
#: Options whose values are named in ``CHOICES`` under another name.
CHOICE_GROUPS = {"kernel_initializer": "initializer", "bias_initializer": "initializer"}


def option_help(key: str, scope: str | None = None) -> str:
    """The tooltip of option ``key`` where ``scope`` (an optimizer, schedule or layer type)
    shows it; "" when the table has none (a test keeps that from happening)."""
    if scope is not None and f"{scope}.{key}" in OPTIONS:
        return OPTIONS[f"{scope}.{key}"]
    return OPTIONS.get(key, "")


def choice_help(key: str, value: str) -> str:
    """The text for ``value`` of the choice ``key`` (a loss, an activation...), or ""."""
    return CHOICES.get(CHOICE_GROUPS.get(key, key), {}).get(value, "")


def tooltip(text: str) -> str:
    """``text`` as a tooltip that wraps (Qt shows plain text on one line); "" stays ""."""
    if not text:
        return ""
    paragraphs = html.escape(text).split("\n\n")
    return "<qt>" + "<br><br>".join(paragraphs) + "</qt>"


def field_tooltip(key: str, scope: str | None = None, value: object = None) -> str:
    """A form field's tooltip: the option's meaning, then what its current value does."""
    text = option_help(key, scope)
    chosen = choice_help(key, value) if isinstance(value, str) else ""
    return tooltip(f"{text}\n\n{value}: {chosen}" if text and chosen else text)
