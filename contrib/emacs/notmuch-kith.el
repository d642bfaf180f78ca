;;; notmuch-kith.el --- kith in notmuch-emacs: ranked completion, the sender's history, triage searches  -*- lexical-binding: t -*-

;; Copyright (C) 2026 the kith developers
;; SPDX-License-Identifier: GPL-3.0-or-later

;; Package-Requires: ((emacs "27.1"))
;; Keywords: mail

;;; Commentary:

;; kith knows who you have actually corresponded with.  This file
;; brings that into notmuch-emacs:
;;
;; - Address completion ranked by the relationship (people you write
;;   with first, automated senders and people without shared history
;;   last), through notmuch's own completion:
;;
;;     (require 'notmuch-kith)
;;     (notmuch-kith-setup)
;;
;;   sets `notmuch-address-command' to the helper script
;;   notmuch-kith-address shipped beside this file, which runs
;;   "notmuch kith complete".  `notmuch-kith-address-candidates' gives
;;   the same list to any other completion front end.
;;
;; - `notmuch-kith-show-sender' (bound to "K" in notmuch-show and
;;   notmuch-tree by `notmuch-kith-setup'): the evidence of "notmuch
;;   kith show" for the sender of the current message, in a buffer
;;   where each thread:ID opens the conversation.
;;
;; - `notmuch-kith-paths-sender' (M-x): who could introduce you to the
;;   sender of the current message ("notmuch kith paths"), each
;;   thread:ID a button; `notmuch-kith-paths' asks for a person.
;;
;; - Saved searches for kith's triage tags (tag:request,
;;   tag:no-history, tag:introduced, or the names set in kith.tag.*),
;;   added to `notmuch-saved-searches' by `notmuch-kith-setup'.

;;; Code:

(require 'cl-lib)
(require 'subr-x)
(require 'mail-parse)
(require 'notmuch)

(defgroup notmuch-kith nil
  "kith in notmuch-emacs."
  :group 'notmuch)

(defcustom notmuch-kith-notmuch-program "notmuch"
  "The notmuch program used to run \"notmuch kith\"."
  :type 'string)

(defcustom notmuch-kith-complete-limit 20
  "At most this many completion candidates (0: no limit)."
  :type 'integer)

(defconst notmuch-kith--directory
  (file-name-directory (or load-file-name buffer-file-name default-directory))
  "The directory this file was loaded from.")

(defun notmuch-kith-address-program ()
  "The notmuch-kith-address helper script, for `notmuch-address-command'.
Looked up beside this file, then on `exec-path'."
  (let ((here (expand-file-name "notmuch-kith-address" notmuch-kith--directory)))
    (if (file-executable-p here)
        here
      (executable-find "notmuch-kith-address"))))

(defun notmuch-kith--call (&rest args)
  "Run notmuch kith ARGS; return (EXIT-STATUS . OUTPUT)."
  (with-temp-buffer
    (let* ((coding-system-for-read 'utf-8)
           (coding-system-for-write 'utf-8)
           (status (apply #'call-process notmuch-kith-notmuch-program nil
                          (list t nil) nil "kith" args)))
      (cons status (buffer-string)))))

(defun notmuch-kith-address-candidates (prefix)
  "The completions of PREFIX, likeliest recipient first.
Each is a mailbox string, \"Name <address>\", as \"notmuch kith
complete --format=emacs\" prints it."
  (let ((result (notmuch-kith--call "complete" "--format=emacs"
                                    (format "--limit=%d" notmuch-kith-complete-limit)
                                    "--" prefix)))
    (if (and (eq (car result) 0) (> (length (cdr result)) 0))
        (car (read-from-string (cdr result)))
      nil)))

;;; The sender's history

(defvar notmuch-kith-show-mode-map
  (let ((map (make-sparse-keymap)))
    (set-keymap-parent map special-mode-map)
    (define-key map (kbd "TAB") #'forward-button)
    (define-key map (kbd "<backtab>") #'backward-button)
    map)
  "Keymap of `notmuch-kith-show-mode'.")

(define-derived-mode notmuch-kith-show-mode special-mode "kith"
  "The shared history with one person, as \"notmuch kith show\" prints it.
Each thread:ID is a button opening that conversation.")

(defun notmuch-kith--open-thread (button)
  "Open the thread named by BUTTON in notmuch-show."
  (notmuch-show (button-get button 'notmuch-kith-query)))

(defun notmuch-kith--view (verb address-or-name)
  "A buffer of \"notmuch kith VERB ADDRESS-OR-NAME\", thread:IDs as buttons."
  (let* ((result (notmuch-kith--call verb "--" address-or-name))
         (buffer (get-buffer-create
                  (if (equal verb "show")
                      (format "*notmuch-kith: %s*" address-or-name)
                    (format "*notmuch-kith %s: %s*" verb address-or-name)))))
    (with-current-buffer buffer
      (let ((inhibit-read-only t))
        (erase-buffer)
        (insert (cdr result))
        (goto-char (point-min))
        (while (re-search-forward "thread:[0-9a-f]+" nil t)
          (make-text-button (match-beginning 0) (match-end 0)
                            'action #'notmuch-kith--open-thread
                            'notmuch-kith-query (match-string 0)
                            'help-echo "Open this conversation"))
        (goto-char (point-min)))
      (notmuch-kith-show-mode))
    buffer))

(defun notmuch-kith-show (address-or-name)
  "Show the shared history with ADDRESS-OR-NAME in a buffer; return it."
  (interactive "sAddress or name: ")
  (let ((buffer (notmuch-kith--view "show" address-or-name)))
    (when (called-interactively-p 'any)
      (pop-to-buffer buffer))
    buffer))

(defun notmuch-kith-paths (address-or-name)
  "Show who could introduce you to ADDRESS-OR-NAME, by evidence in your mail.
The people you know who replied to them or wrote to them directly, best
first, each thread:ID a button; return the buffer."
  (interactive "sAddress or name: ")
  (let ((buffer (notmuch-kith--view "paths" address-or-name)))
    (when (called-interactively-p 'any)
      (pop-to-buffer buffer))
    buffer))

(defun notmuch-kith--current-sender ()
  "The From address of the message at point in notmuch-show or notmuch-tree."
  (let ((from (cond ((derived-mode-p 'notmuch-show-mode) (notmuch-show-get-from))
                    ((derived-mode-p 'notmuch-tree-mode)
                     (plist-get (notmuch-tree-get-prop :headers) :From))
                    (t (user-error "Not in a notmuch-show or notmuch-tree buffer")))))
    (or (car (mail-header-parse-address from))
        (user-error "No sender address in %S" from))))

(defun notmuch-kith--for-sender (view interactive)
  "The buffer of VIEW (a function of an address) for the current sender.
Popped to when INTERACTIVE."
  (let ((buffer (funcall view (notmuch-kith--current-sender))))
    (when interactive
      (pop-to-buffer buffer))
    buffer))

(defun notmuch-kith-show-sender ()
  "Show the shared history with the sender of the current message."
  (interactive)
  (notmuch-kith--for-sender #'notmuch-kith-show (called-interactively-p 'any)))

(defun notmuch-kith-paths-sender ()
  "Show who could introduce you to the sender of the current message."
  (interactive)
  (notmuch-kith--for-sender #'notmuch-kith-paths (called-interactively-p 'any)))

;;; Saved searches

(defun notmuch-kith--config (key default)
  "The notmuch config value of KEY, or DEFAULT when unset."
  (let ((value (ignore-errors
                 (car (process-lines notmuch-kith-notmuch-program "config" "get" key)))))
    (if (and value (not (string-empty-p value))) value default)))

(defun notmuch-kith-saved-searches ()
  "Saved searches for kith's triage tags, under their configured names."
  (let ((request (notmuch-kith--config "kith.tag.request" "request"))
        (no-history (notmuch-kith--config "kith.tag.no_history" "no-history"))
        (introduced (notmuch-kith--config "kith.tag.introduced" "introduced")))
    (list (list :name "kith: requests" :query (concat "tag:" request) :key "r")
          (list :name "kith: no history" :query (concat "tag:" no-history) :key "n")
          (list :name "kith: introduced" :query (concat "tag:" introduced) :key "I"))))

(defun notmuch-kith-add-saved-searches ()
  "Add `notmuch-kith-saved-searches' to `notmuch-saved-searches' once.
A search with the same name is replaced, so calling this again after
changing kith.tag.* updates the queries."
  (dolist (search (notmuch-kith-saved-searches))
    (setq notmuch-saved-searches
          (append (cl-remove-if (lambda (s)
                                  (equal (plist-get s :name) (plist-get search :name)))
                                notmuch-saved-searches)
                  (list search))))
  notmuch-saved-searches)

;;; Setup

;;;###autoload
(defun notmuch-kith-setup ()
  "Use kith in notmuch-emacs.
Complete addresses through kith (`notmuch-address-command'), bind
\"K\" in notmuch-show and notmuch-tree to `notmuch-kith-show-sender',
and add kith's saved searches."
  (interactive)
  (let ((program (notmuch-kith-address-program)))
    (if program
        (setq notmuch-address-command program)
      (display-warning 'notmuch-kith "notmuch-kith-address not found: completion unchanged")))
  (define-key notmuch-show-mode-map "K" #'notmuch-kith-show-sender)
  (with-eval-after-load 'notmuch-tree
    (define-key notmuch-tree-mode-map "K" #'notmuch-kith-show-sender))
  (notmuch-kith-add-saved-searches))

(provide 'notmuch-kith)

;;; notmuch-kith.el ends here
