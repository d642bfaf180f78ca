;;; notmuch-kith-test.el --- driven by tests/T085-clients.sh  -*- lexical-binding: t -*-
;; Loads notmuch (Debian's elpa-notmuch) and contrib/emacs/notmuch-kith.el
;; and prints one "NAME: VALUE" line per check on stdout.  The
;; environment names the generated database (NOTMUCH_CONFIG) and the
;; message to show (KITH_TEST_MESSAGE).

(require 'notmuch)
(require 'notmuch-kith)

(defun kith-test-report (name value)
  (princ (format "%s: %s\n" name value)))

;; The candidates, read from --format=emacs.
(kith-test-report "candidates" (mapconcat #'identity (notmuch-kith-address-candidates "jur") " | "))
(kith-test-report "quoted" (car (notmuch-kith-address-candidates "o'brien")))
(kith-test-report "none" (notmuch-kith-address-candidates "qqqq"))

;; Through notmuch's own external-command path.
(notmuch-kith-setup)
(kith-test-report "address-command" (file-name-nondirectory notmuch-address-command))
(kith-test-report "notmuch-address-options"
                  (mapconcat #'identity (notmuch-address-options "mull") " | "))

;; Completion in a message buffer, as TAB in a To: header does it.
(with-temp-buffer
  (message-mode)
  (insert "To: Someone <some@one.example>, MÜLL")
  (notmuch-address-expand-name)
  (kith-test-report "expanded" (buffer-substring-no-properties (line-beginning-position) (point))))

;; The sender's history from a real notmuch-show buffer.
(notmuch-show (concat "id:" (getenv "KITH_TEST_MESSAGE")))
(kith-test-report "in-show" (list major-mode (notmuch-show-get-message-id t)))
(let* ((buffer (notmuch-kith-show-sender))
       (text (with-current-buffer buffer (buffer-string))))
  (kith-test-report "show-buffer" (buffer-name buffer))
  (kith-test-report "show-first-line" (car (split-string text "\n")))
  (kith-test-report "show-conversations"
                    (if (string-match "^ *conversations +\\([0-9]+\\)" text) (match-string 1 text) text))
  (kith-test-report "show-mode" (with-current-buffer buffer major-mode))
  (with-current-buffer buffer
    ;; Every thread:ID is a button (the score's terms name some of
    ;; them too): count the distinct threads they open.
    (let ((queries nil) (pos (point-min)) b first)
      (while (setq b (next-button pos))
        (unless first (setq first b))
        (push (button-get b 'notmuch-kith-query) queries)
        (setq pos (button-end b)))
      (kith-test-report "show-buttons" (length (delete-dups queries)))
      ;; The first button opens its conversation in notmuch-show.
      (when first
        (let ((query (button-get first 'notmuch-kith-query)))
          (button-activate first)
          (kith-test-report "button-opens"
                            (list major-mode (equal notmuch-show-thread-id query)))))))
  (kith-test-report "show-key" (lookup-key notmuch-show-mode-map "K")))

;; Who could introduce me to the sender, from the same message.
(notmuch-show (concat "id:" (getenv "KITH_TEST_MESSAGE")))
(let ((buffer (notmuch-kith-paths-sender)))
  (kith-test-report "paths-buffer" (buffer-name buffer))
  (kith-test-report "paths-first-line"
                    (car (split-string (with-current-buffer buffer (buffer-string)) "\n"))))

;; Saved searches under the configured tag names, added once.
(notmuch-kith-add-saved-searches)
(kith-test-report "saved-searches"
                  (mapconcat (lambda (s) (plist-get s :query))
                             (cl-remove-if-not (lambda (s) (string-prefix-p "kith:" (plist-get s :name)))
                                               notmuch-saved-searches)
                             " "))
